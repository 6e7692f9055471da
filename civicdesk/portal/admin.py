from django.contrib import admin
from django.http import HttpRequest

from civicdesk.portal.models import RatingLink


@admin.register(RatingLink)
class RatingLinkAdmin(admin.ModelAdmin):
    # Only the token's hash is stored: a link cannot be read back here, only its use.
    list_display = ("order", "created_at", "expires_at", "used_at")
    readonly_fields = ("order", "event", "token_hash", "created_at", "expires_at", "used_at")
    search_fields = ("order__number",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued with the accept_reply SMS (RatingLink.issue), never typed in

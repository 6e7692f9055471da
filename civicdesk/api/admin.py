from django.contrib import admin
from django.http import HttpRequest

from civicdesk.api.models import ApiToken, IdempotencyRecord


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created", "last_used", "revoked"]
    list_filter = ["revoked"]
    readonly_fields = ["prefix", "token_hash", "created", "last_used"]
    search_fields = ["name", "user__username", "prefix"]


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "order", "status_code", "created"]
    readonly_fields = ["user", "token", "key", "request_hash", "order", "status_code", "response", "created"]
    search_fields = ["key", "user__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # written by the API when it answers a request with an Idempotency-Key

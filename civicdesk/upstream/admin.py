from django.contrib import admin

from civicdesk.upstream.models import UpstreamPlatform


@admin.register(UpstreamPlatform)
class UpstreamPlatformAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "hub", "arrival", "report_url", "margin_hours", "active"]
    list_filter = ["arrival", "active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["hub"]

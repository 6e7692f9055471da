from django.contrib import admin

from civicdesk.upstream.models import RemoteHub, UpstreamPlatform


@admin.register(UpstreamPlatform)
class UpstreamPlatformAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "hub", "arrival", "report_url", "margin_hours", "active"]
    list_filter = ["arrival", "active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["hub"]


@admin.register(RemoteHub)
class RemoteHubAdmin(admin.ModelAdmin):
    list_display = ["unit", "base_url", "platform_code", "active"]
    list_filter = ["active"]
    autocomplete_fields = ["unit"]

from django.contrib import admin

from civicdesk.open311.models import ApiClient, ServiceAttribute


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "hub", "key_prefix", "rate_per_minute", "active", "created_at")
    readonly_fields = ("key_prefix", "key_hash", "user", "created_at")


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ("category", "code", "datatype", "required", "order")
    list_filter = ("datatype", "required")

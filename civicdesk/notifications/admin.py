from django.contrib import admin

from civicdesk.notifications.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "medium", "user", "address", "status", "text"]
    list_filter = ["medium", "status"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

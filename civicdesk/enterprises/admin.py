from django.contrib import admin

from civicdesk.enterprises.models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "industry", "size", "area", "contact_name", "contact_phone", "active"]
    list_filter = ["active", "industry", "size"]
    search_fields = ["name", "credit_code", "contact_name"]
    raw_id_fields = ["area"]

from django.contrib import admin

from civicdesk.enterprises.models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "contact_name", "contact_phone"]
    search_fields = ["name", "credit_code"]

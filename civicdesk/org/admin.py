from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from civicdesk.org.models import HubLink, Membership, OrgUnit, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "is_hub", "active"]
    list_filter = ["kind", "is_hub", "active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(User)
class CivicUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "phone", "is_active"]
    search_fields = ["username", "display_name", "phone"]
    inlines = [MembershipInline]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("CivicDesk", {"fields": ("display_name", "phone", "must_change_password", "is_service")}),
    )


@admin.register(HubLink)
class HubLinkAdmin(admin.ModelAdmin):
    list_display = ["upper", "lower", "callback_by"]
    autocomplete_fields = ["upper", "lower"]

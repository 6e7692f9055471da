from django.contrib import admin
from django.http import HttpRequest

from civicdesk.worktime.models import CalendarDay, DutyShift, TimeLimitPolicy


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["day", "is_workday", "note", "entered_by"]
    list_filter = ["is_workday"]
    date_hierarchy = "day"

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: object, change: bool) -> None:
        obj.entered_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(TimeLimitPolicy)
class TimeLimitPolicyAdmin(admin.ModelAdmin):
    list_display = ["stage", "enterprise", "request_type", "urgency", "category", "amount", "unit"]
    list_filter = ["stage", "enterprise", "request_type", "urgency", "unit"]
    autocomplete_fields = ["category"]


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["day", "unit", "user", "note"]
    list_filter = ["unit"]
    date_hierarchy = "day"
    raw_id_fields = ["unit", "user"]

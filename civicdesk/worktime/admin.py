from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from civicdesk.org.web import current_user
from civicdesk.worktime.models import CalendarDay, DutyShift, OperatorGroup, TimeLimitPolicy, YearSchedule
from civicdesk.worktime.schedule import change_days


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["day", "is_workday", "note", "entered_by"]
    list_filter = ["is_workday"]
    date_hierarchy = "day"

    # Through the shared path, like the calendar page: open orders' deadlines follow.
    def save_model(self, request: HttpRequest, obj: CalendarDay, form: object, change: bool) -> None:
        old = CalendarDay.objects.filter(pk=obj.pk).values_list("day", flat=True).first() if obj.pk else None
        change_days(
            {obj.day: (obj.is_workday, obj.note)},
            remove=[old] if old and old != obj.day else [],
            actor=current_user(request),
            reason=_("工作日历调整：%(day)s") % {"day": obj},
        )
        obj.pk = CalendarDay.objects.get(day=obj.day).pk

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        change_days(
            {}, remove=[obj.day], actor=current_user(request), reason=_("工作日历调整：删除 %(day)s") % {"day": obj}
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        days = list(queryset.values_list("day", flat=True))
        change_days(
            {},
            remove=days,
            actor=current_user(request),
            reason=_("工作日历调整：删除 %(day)s") % {"day": "、".join(f"{d:%Y-%m-%d}" for d in days)},
        )


@admin.register(YearSchedule)
class YearScheduleAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "entered_by", "entered_at"]


@admin.register(TimeLimitPolicy)
class TimeLimitPolicyAdmin(admin.ModelAdmin):
    list_display = ["stage", "enterprise", "request_type", "urgency", "category", "amount", "unit"]
    list_filter = ["stage", "enterprise", "request_type", "urgency", "unit"]
    autocomplete_fields = ["category"]


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["day", "starts", "ends", "unit", "user", "group", "note"]
    list_filter = ["unit", "group"]
    date_hierarchy = "day"
    raw_id_fields = ["unit", "user"]


@admin.register(OperatorGroup)
class OperatorGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "hub", "queue", "answer_seconds", "service_level", "connection"]
    list_filter = ["hub"]
    raw_id_fields = ["hub"]
    filter_horizontal = ["members"]

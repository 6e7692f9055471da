from django.apps import AppConfig


class WorktimeConfig(AppConfig):
    name = "civicdesk.worktime"
    label = "worktime"
    verbose_name = "工作日历与时限"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from civicdesk.worktime.limits import forget_calendar
        from civicdesk.worktime.models import CalendarDay

        def _forget(**kwargs: object) -> None:
            forget_calendar()

        post_save.connect(_forget, sender=CalendarDay, dispatch_uid="calendar_day_saved")
        post_delete.connect(_forget, sender=CalendarDay, dispatch_uid="calendar_day_deleted")

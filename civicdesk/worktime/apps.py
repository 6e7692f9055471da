from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class WorktimeConfig(AppConfig):
    name = "civicdesk.worktime"
    label = "worktime"
    verbose_name = "工作日历与时限"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the registry is ready.
        from civicdesk.worktime.limits import forget_calendar
        from civicdesk.worktime.models import CalendarDay, TimeLimitPolicy

        def _forget(**kwargs: object) -> None:
            forget_calendar()

        # weak=False: `_forget` is local to ready(); a weak reference would let it be
        # garbage-collected at once, silently disconnecting the signal.
        post_save.connect(_forget, sender=CalendarDay, weak=False, dispatch_uid="calendar_day_saved")
        post_delete.connect(_forget, sender=CalendarDay, weak=False, dispatch_uid="calendar_day_deleted")
        post_save.connect(_forget, sender=TimeLimitPolicy, weak=False, dispatch_uid="time_limit_saved")
        post_delete.connect(_forget, sender=TimeLimitPolicy, weak=False, dispatch_uid="time_limit_deleted")

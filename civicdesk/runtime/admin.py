from django.contrib import admin

from civicdesk.runtime.models import SweepState


@admin.register(SweepState)
class SweepStateAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at", "last_success_at", "consecutive_failures", "last_error_at"]
    readonly_fields = [f.name for f in SweepState._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

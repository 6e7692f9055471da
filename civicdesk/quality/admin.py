from django.contrib import admin

from civicdesk.quality.models import DeductionReason, Inspection, InspectionEvent, SamplingRule, ScoreForm, ScoreItem


@admin.register(SamplingRule)
class SamplingRuleAdmin(admin.ModelAdmin):
    list_display = ["hub", "percent", "minimum", "complaints", "unsatisfied", "seed"]
    raw_id_fields = ["hub"]


class ScoreItemInline(admin.TabularInline):
    model = ScoreItem
    extra = 0


@admin.register(ScoreForm)
class ScoreFormAdmin(admin.ModelAdmin):
    list_display = ["name", "hub", "active"]
    inlines = [ScoreItemInline]
    raw_id_fields = ["hub"]


@admin.register(DeductionReason)
class DeductionReasonAdmin(admin.ModelAdmin):
    list_display = ["text", "item", "points"]
    list_filter = ["item__form", "item"]


class InspectionEventInline(admin.TabularInline):
    model = InspectionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "at", "from_state", "to_state", "note", "data"]

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False  # the history is written by the actions only


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["call", "hub", "operator", "week", "picked", "state", "score"]
    list_filter = ["state", "picked", "hub"]
    readonly_fields = [f.name for f in Inspection._meta.fields]
    inlines = [InspectionEventInline]

    def has_add_permission(self, request: object) -> bool:
        return False  # the sampling rule fills the queue

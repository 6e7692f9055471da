from django.contrib import admin
from django.http import HttpRequest

from civicdesk.routing.models import AutoDispatchDecision, AutoDispatchSetting, ModelVersion


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "status",
        "active",
        "trigger",
        "train_size",
        "holdout_size",
        "category_accuracy",
        "unit_accuracy",
        "unit_accuracy_given_category",
        "created_at",
    )
    exclude = ("artefact",)
    readonly_fields = (
        "number",
        "status",
        "trigger",
        "created_at",
        "trained_at",
        "train_size",
        "holdout_size",
        "trained_until",
        "figures",
        "decision",
        "error",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a version is made by training (the nightly sweep or the console's 训练 button)


@admin.register(AutoDispatchSetting)
class AutoDispatchSettingAdmin(admin.ModelAdmin):
    list_display = ("category", "enabled", "threshold", "updated_at")


@admin.register(AutoDispatchDecision)
class AutoDispatchDecisionAdmin(admin.ModelAdmin):
    list_display = ("order", "outcome", "unit", "confidence", "threshold", "decided_at")
    list_filter = ("outcome",)
    raw_id_fields = ("order",)

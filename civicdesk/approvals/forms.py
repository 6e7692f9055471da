"""The form that opens a parallel approval: the company from the register, what it applies
for, the lead department with its days and the approving departments, each with its own days.

The form only turns what was typed into the action's arguments; the action
(civicdesk.approvals.actions.open_application) judges them and its refusals come back here,
next to the field they are about. The departments are a fixed number of rows (no script
needed to add one): empty rows are skipped."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from civicdesk.approvals.actions import NAME_MAX
from civicdesk.approvals.models import ApplicationKind
from civicdesk.enterprises.liaison import enterprises_of
from civicdesk.enterprises.lookup import find_enterprise
from civicdesk.enterprises.models import Enterprise
from civicdesk.lib.picker import PickerSelect
from civicdesk.lib.textlimits import CountedLimits
from civicdesk.orders.actions.intake import CONTENT_MAX
from civicdesk.org.models import OrgUnit, UnitKind, User

DEPARTMENT_ROWS = 6
DAYS_WIDGET = {"class": "form-control", "inputmode": "decimal", "step": "0.5", "min": "0.5"}


def approving_units(hub: OrgUnit) -> QuerySet[OrgUnit]:
    """The departments of `hub` that approve: active departments under it, not another hub
    nor a unit under a lower hub (those dispatch for themselves)."""
    lower = OrgUnit.objects.filter(is_hub=True, path__startswith=hub.path).exclude(pk=hub.pk)
    units = OrgUnit.objects.filter(path__startswith=hub.path, active=True, kind=UnitKind.DEPARTMENT, is_hub=False)
    for other in lower:
        units = units.exclude(path__startswith=other.path)
    return units.order_by("path")


class OpenApplicationForm(CountedLimits, forms.Form):
    enterprise = forms.CharField(
        label=_("申请企业（名称或统一社会信用代码）"),
        max_length=220,
        widget=forms.TextInput(attrs={"list": "enterprise-options", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("项目/事项名称"), max_length=NAME_MAX)
    kind = forms.ChoiceField(label=_("类型"), choices=ApplicationKind.choices, initial=ApplicationKind.PROJECT)
    content = forms.CharField(
        label=_("申请内容（可不填）"),
        max_length=CONTENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead_unit = forms.ModelChoiceField(label=_("牵头部门"), queryset=OrgUnit.objects.none(), widget=PickerSelect)
    lead_days = forms.DecimalField(
        label=_("牵头部门承诺时限（工作日）"),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs=DAYS_WIDGET),
    )

    def __init__(self, *args: Any, user: User, hub: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        units = approving_units(hub)
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        for i in range(1, DEPARTMENT_ROWS + 1):
            self.fields[f"unit_{i}"] = forms.ModelChoiceField(
                label=_("协同审批部门"), queryset=units, required=False, widget=PickerSelect
            )
            self.fields[f"days_{i}"] = forms.DecimalField(
                label=_("承诺时限（工作日）"),
                max_digits=4,
                decimal_places=1,
                required=False,
                widget=forms.NumberInput(attrs=DAYS_WIDGET),
            )
        for name, field in self.fields.items():
            widget = field.widget
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")
            widget.attrs.setdefault("id", f"id_{name}")

    @property
    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"unit_{i}"], self[f"days_{i}"]) for i in range(1, DEPARTMENT_ROWS + 1)]

    def clean_enterprise(self) -> Enterprise:
        found = find_enterprise(self.cleaned_data.get("enterprise") or "")
        if found is None:
            raise forms.ValidationError(_("没有找到该企业，请从企业库中选择，或输入完整的统一社会信用代码。"))
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        departments: list[tuple[OrgUnit, Decimal]] = []
        seen: set[int] = set()
        lead = data.get("lead_unit")
        for i in range(1, DEPARTMENT_ROWS + 1):
            unit, days = data.get(f"unit_{i}"), data.get(f"days_{i}")
            if unit is None and days is None:
                continue
            if unit is not None and lead is not None and unit.pk == lead.pk:
                self.add_error(f"unit_{i}", _("牵头部门不能同时是协同审批部门。"))
            elif unit is not None and unit.pk in seen:
                self.add_error(f"unit_{i}", _("该部门已在上面列出。"))
            elif unit is None:
                self.add_error(f"unit_{i}", _("请选择审批部门，或清空这一行的时限。"))
            elif days is None and f"days_{i}" not in self.errors:
                self.add_error(f"days_{i}", _("请填写该部门的承诺时限（工作日）。"))
            elif days is not None:
                seen.add(unit.pk)
                departments.append((unit, days))
        rows_refused = any(f"{f}_{i}" in self.errors for i in range(1, DEPARTMENT_ROWS + 1) for f in ("unit", "days"))
        if not departments and not rows_refused:
            self.add_error("unit_1", _("并联审批至少需要一个协同审批部门。"))
        data["departments"] = departments
        return data


def enterprise_options(user: User) -> list[Enterprise]:
    """The picker's first options: a liaison officer's own companies."""
    return list(enterprises_of(user).order_by("name")[:15])

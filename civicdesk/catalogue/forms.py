"""The admin's form for one line of the dispatch catalogue."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.fields import CategoryChoiceField
from civicdesk.catalogue.models import Area, Category, DispatchRule
from civicdesk.lib.picker import PickerSelect
from civicdesk.lib.textlimits import CountedLimits
from civicdesk.org.fields import UnitChoiceField
from civicdesk.org.models import OrgUnit


class AreaChoiceField(forms.ModelChoiceField):
    widget = PickerSelect

    def label_from_instance(self, obj: Any) -> str:
        return "\u3000" * (obj.level - 1) + obj.name


class DispatchRuleForm(CountedLimits, forms.ModelForm):
    category = CategoryChoiceField(
        label=_("分类"), queryset=Category.objects.none(), required=False, empty_label=_("（兜底：其他规则都不适用时）")
    )
    area = AreaChoiceField(label=_("区域"), queryset=Area.objects.none(), required=False, empty_label=_("（不限区域）"))
    unit = UnitChoiceField(
        label=_("承办单位"), queryset=OrgUnit.objects.none(), error_messages={"required": _("请选择承办单位。")}
    )

    class Meta:
        model = DispatchRule
        fields = ["category", "area", "unit", "note", "active"]
        help_texts = {"note": _("例如职责清单条目或文件依据，派单员派单时可见。")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = (  # type: ignore[attr-defined]
            Category.objects.filter(active=True).select_related("parent__parent").order_by("code")
        )
        self.fields["area"].queryset = Area.objects.filter(active=True).order_by("code")  # type: ignore[attr-defined]
        self.fields["unit"].queryset = OrgUnit.objects.filter(active=True).order_by("path")  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if name != "active":
                field.widget.attrs.setdefault(
                    "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                )

    def clean_unit(self) -> OrgUnit:
        unit: OrgUnit = self.cleaned_data["unit"]
        hub = unit.hub()
        if hub is None:
            raise forms.ValidationError(_("%(unit)s 不在任何服务中心之下，不能承办工单。") % {"unit": unit.name})
        if hub.pk == unit.pk:
            raise forms.ValidationError(_("%(unit)s 是服务中心本身，请选择其下属的承办单位。") % {"unit": unit.name})
        return unit

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        category, area = data.get("category"), data.get("area")
        if category is None and area is not None:
            self.add_error("area", _("兜底规则不能限定区域；请同时选择分类。"))
            return data
        if "category" in data and "area" in data:
            same = DispatchRule.objects.filter(category=category, area=area)
            if self.instance.pk is not None:
                same = same.exclude(pk=self.instance.pk)
            existing = same.select_related("unit").first()
            if existing is not None:
                # An error on "category" also keeps the model's generic constraint message away.
                self.add_error(
                    "category",
                    _("这一分类和区域已有规则（→ %(unit)s），请直接修改那一条。") % {"unit": existing.unit.name},
                )
        return data

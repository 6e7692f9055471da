"""The dispatch board's forms: narrowing the queue, and dispatching many orders at once."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from civicdesk.catalogue.models import CATALOGUE, Area, Category, Channel, RequestType, Topic, Urgency
from civicdesk.lib.listversion import list_token
from civicdesk.lib.picker import PickerSelect, PickerSelectMultiple
from civicdesk.lib.textlimits import CountedLimits
from civicdesk.orders.forms import UnitChoiceField, UnitList, UnitsChoiceField
from civicdesk.org.models import OrgUnit

if TYPE_CHECKING:
    # The stubs make the field generic; at run time it is not subscriptable.
    ModelChoiceField = forms.ModelChoiceField[Any]
else:
    ModelChoiceField = forms.ModelChoiceField

AGES = {
    "2h": (timedelta(hours=2), gettext_lazy("超过2小时")),
    "1d": (timedelta(days=1), gettext_lazy("超过1天")),
    "3d": (timedelta(days=3), gettext_lazy("超过3天")),
}


class TreeChoiceField(ModelChoiceField):
    """A category or area, any level, indented under its parent."""

    widget = PickerSelect

    def label_from_instance(self, obj: Any) -> str:
        return "\u3000" * (int(obj.level) - 1) + str(obj.name)


def _blank(label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class BoardFilterForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("受理渠道"), required=False)
    request_type = forms.ChoiceField(label=gettext_lazy("诉求类型"), required=False)
    urgency = forms.ChoiceField(label=gettext_lazy("紧急程度"), required=False)
    category = TreeChoiceField(
        label=gettext_lazy("分类"), queryset=Category.objects.none(), required=False, empty_label=gettext_lazy("全部")
    )
    area = TreeChoiceField(
        label=gettext_lazy("区域"), queryset=Area.objects.none(), required=False, empty_label=gettext_lazy("全部")
    )
    topic = forms.ModelChoiceField(
        label=gettext_lazy("专题"), queryset=Topic.objects.none(), required=False, empty_label=gettext_lazy("全部")
    )
    age = forms.ChoiceField(label=gettext_lazy("等待时间"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = gettext_lazy("全部")
        self.fields["channel"].choices = _blank(everything, Channel.choices)  # type: ignore[attr-defined,unused-ignore]
        self.fields["request_type"].choices = _blank(everything, RequestType.choices)  # type: ignore[attr-defined,unused-ignore]
        self.fields["urgency"].choices = _blank(everything, Urgency.choices)  # type: ignore[attr-defined,unused-ignore]
        self.fields["age"].choices = _blank(  # type: ignore[attr-defined,unused-ignore]
            gettext_lazy("不限"), [(key, label) for key, (_delta, label) in AGES.items()]
        )
        self.fields["category"].queryset = Category.objects.filter(active=True).order_by("code")  # type: ignore[attr-defined,unused-ignore]
        self.fields["area"].queryset = Area.objects.filter(active=True).order_by("code")  # type: ignore[attr-defined,unused-ignore]
        self.fields["topic"].queryset = Topic.objects.order_by("code")  # type: ignore[attr-defined,unused-ignore]
        for name, bound in self.fields.items():
            bound.widget.attrs.update({"class": "form-select form-select-sm", "id": f"filter_{name}"})
        # The category and area pickers (~200 options each, described for search) are drawn once
        # per change of the catalogue, not on every request (lib.picker, lib.listversion). The
        # token is read when the picker is drawn (a file read, no query), before its rows.
        for name in ("category", "area"):
            self.fields[name].widget.kept_as = lambda name=name: ("board-filter", name, list_token(CATALOGUE))  # type: ignore[attr-defined,unused-ignore]

    def filters(self) -> dict[str, Any]:
        """What to narrow the queue by; a value that does not parse is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        age = data.get("age") or ""
        return {
            "channel": data.get("channel") or "",
            "request_type": data.get("request_type") or "",
            "urgency": data.get("urgency") or "",
            "category": data.get("category"),
            "area": data.get("area"),
            "topic": data.get("topic"),
            "older_than": AGES[age][0] if age in AGES else None,
        }

    def active(self) -> bool:
        return any(v for v in self.filters().values())


class NumberListField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        return list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))


class BulkDispatchForm(CountedLimits, forms.Form):
    selected = NumberListField(required=False)
    lead_unit = UnitChoiceField(
        label=gettext_lazy("主办单位"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("（各行的建议单位）"),
    )
    assisting_units = UnitsChoiceField(
        label=gettext_lazy("协办单位（可多选）"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=PickerSelectMultiple(attrs={"size": 3}),
    )
    note = forms.CharField(
        label=gettext_lazy("派单意见"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(),
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit] | None = None,
        listed: UnitList | None = None,
        hubs: list[OrgUnit] | None = None,
        **kwargs: Any,
    ) -> None:
        """`units`: what the form accepts (none: an unbound form, which checks nothing); `listed`:
        the same units read once for both pickers, the units `hubs` dispatch to; with `hubs`, the
        pickers are drawn once per change of the units, not on every request (lib.picker)."""
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        if units is None:
            if self.is_bound:
                raise ValueError("a sent form checks its units against `units`")
            units = OrgUnit.objects.none()
        for name, offered in (("lead_unit", units), ("assisting_units", units.filter(is_hub=False))):
            # A hub is never an assisting unit: only the units a lead could be, hubs left out.
            self.fields[name].queryset = offered  # type: ignore[attr-defined,unused-ignore]
        if listed is not None:
            # Both pickers drawn from one read of the units (listed: the dispatching hubs' UnitList).
            self.fields["lead_unit"].listed = listed  # type: ignore[attr-defined,unused-ignore]
            self.fields["assisting_units"].listed = listed.also(  # type: ignore[attr-defined,unused-ignore]
                lambda rows: [u for u in listed.rows() if not u.is_hub]
            )
        self.fields["assisting_units"].label_from_instance = lambda u: u.name  # type: ignore[attr-defined,unused-ignore]
        if hubs is not None and listed is not None:
            # Labelled with the token of the copy of the unit tree the rows come from (no query).
            at = tuple(sorted(hub.pk for hub in hubs))
            for name in ("lead_unit", "assisting_units"):
                self.fields[name].widget.kept_as = lambda name=name: ("bulk", name, at, listed.token())  # type: ignore[attr-defined,unused-ignore]
        for name in ("lead_unit", "assisting_units"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["note"].widget.attrs["class"] = "form-control form-control-sm"

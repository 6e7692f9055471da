"""The admin's forms for time limits and calendar days."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.fields import CategoryChoiceField
from civicdesk.catalogue.models import Category
from civicdesk.lib.picker import PickerSelect
from civicdesk.lib.textlimits import CountedLimits
from civicdesk.lib.worktime import LimitUnit
from civicdesk.org.models import Membership
from civicdesk.worktime.limits import round_the_clock, work_calendar
from civicdesk.worktime.models import CalendarDay, DutyShift, OperatorGroup, TimeLimitPolicy
from civicdesk.worktime.notice import TableError, read_table, rows_as_text

# Far more than any limit in the field (the longest are weeks); catches a typo like 150 days.
_MAX = {
    LimitUnit.WORKING_DAYS.value: Decimal(60),
    LimitUnit.WORKING_HOURS.value: Decimal(480),
    LimitUnit.CALENDAR_HOURS.value: Decimal(24 * 60),
}


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, (forms.RadioSelect, forms.CheckboxInput, forms.HiddenInput)):
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class TimeLimitPolicyForm(CountedLimits, forms.ModelForm):
    category = CategoryChoiceField(
        label=_("分类"), queryset=Category.objects.none(), required=False, empty_label=_("（所有分类）")
    )

    class Meta:
        model = TimeLimitPolicy
        fields = ["stage", "request_type", "urgency", "category", "enterprise", "amount", "unit"]
        labels = {
            "request_type": _("诉求类型（空为所有类型）"),
            "urgency": _("紧急程度（空为所有）"),
            "enterprise": _("仅用于涉企诉求（有关联企业的工单）"),
        }
        error_messages = {
            "stage": {"required": _("请选择环节。")},
            "amount": {"required": _("请填写时长。"), "invalid": _("请填写数字，如 2 或 0.5。")},
            "unit": {"required": _("请选择单位。")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = (  # type: ignore[attr-defined]
            Category.objects.filter(active=True).select_related("parent__parent").order_by("code")
        )
        self.fields["request_type"].choices = [("", _("（所有类型）")), *self.fields["request_type"].choices[1:]]  # type: ignore[attr-defined]
        self.fields["urgency"].choices = [("", _("（所有紧急程度）")), *self.fields["urgency"].choices[1:]]  # type: ignore[attr-defined]
        _style(self)

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError(_("时长须大于 0。"))
        return amount

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amount, unit = data.get("amount"), data.get("unit")
        if amount is not None and unit in _MAX and amount > _MAX[unit]:
            self.add_error("amount", _("时长过长（最多 %(n)s），请检查单位是否选对。") % {"n": _MAX[unit]})
        if (
            unit
            and unit != LimitUnit.CALENDAR_HOURS.value
            and round_the_clock(data.get("stage") or "", data.get("urgency") or "")
        ):
            # Such a row would never apply (resolve_limit skips it): say so instead of saving it.
            self.add_error("unit", _("紧急、特急工单的签收、办理和协办按7×24小时值班计时，请选择“自然小时”。"))
        if data.get("stage"):
            same = TimeLimitPolicy.objects.filter(
                stage=data["stage"],
                request_type=data.get("request_type") or "",
                urgency=data.get("urgency") or "",
                category=data.get("category"),
                enterprise=bool(data.get("enterprise")),
            )
            if self.instance.pk is not None:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                # On a field the constraint covers, so the model's generic message stays away.
                self.add_error("stage", _("同一环节、诉求类型、紧急程度和分类已有一条时限规则，请直接修改那一条。"))
        return data


_KIND_CHOICES = [("1", _("工作日（上班）")), ("0", _("休息日（放假）"))]


class CalendarDayForm(CountedLimits, forms.ModelForm):
    is_workday = forms.TypedChoiceField(
        label=_("这一天"),
        choices=_KIND_CHOICES,
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择是工作日还是休息日。")},
    )

    class Meta:
        model = CalendarDay
        fields = ["day", "is_workday", "note"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {"note": _("说明")}
        help_texts = {"note": _("例如“春节”“国庆节调休上班”，会显示在日历上。")}
        error_messages = {
            "day": {
                "required": _("请填写日期。"),
                "invalid": _("请填写有效的日期，如 2027-01-01。"),
                "unique": _("这一天已有调整记录，请直接修改那一条。"),
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["is_workday"] = "1" if self.instance.is_workday else "0"
        self.fields["note"].required = True
        self.fields["note"].error_messages["required"] = _("请填写说明。")
        _style(self)

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        this_year = timezone.localdate().year
        if not this_year - 1 <= day.year <= this_year + 3:
            raise forms.ValidationError(
                _("只能录入 %(a)s 至 %(b)s 年的日期。") % {"a": this_year - 1, "b": this_year + 3}
            )
        return day


class DutyShiftForm(CountedLimits, forms.ModelForm):
    """One person on duty for a unit: a whole day off, or a shift with times (any day; on a
    working day the times are required), optionally for one of the hub's operator groups."""

    class Meta:
        model = DutyShift
        fields = ["day", "unit", "user", "starts", "ends", "group", "note"]
        widgets = {
            "day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "unit": PickerSelect,
            "starts": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {"ends": _("结束时间不晚于开始时间即为跨夜班，到次日结束。休息日整天值班可不填时间。")}
        error_messages = {
            "day": {"required": _("请填写日期。"), "invalid": _("请填写有效的日期，如 2027-01-01。")},
            "unit": {"required": _("请选择单位。")},
            "user": {"required": _("请选择值班人员。")},
            "starts": {"invalid": _("请填写有效的时间，如 08:00。")},
            "ends": {"invalid": _("请填写有效的时间，如 16:00。")},
        }

    def __init__(self, *args: Any, units: Any = None, people: Any = None, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if people is not None:
            self.fields["user"].queryset = people  # type: ignore[attr-defined]
        self.fields["group"].queryset = groups if groups is not None else OperatorGroup.objects.none()  # type: ignore[attr-defined]
        self.fields["group"].empty_label = _("（不属于话务组）")  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: _("%(name)s（%(username)s）") % {"name": u, "username": u.username}
        )
        _style(self)

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("不能为已经过去的日期排班。"))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit, user = data.get("unit"), data.get("user")
        starts, ends = data.get("starts"), data.get("ends")
        if (starts is None) != (ends is None) and not {"starts", "ends"} & set(self.errors):
            self.add_error("ends" if starts is not None else "starts", _("请同时填写开始和结束时间。"))
        elif starts is not None and starts == ends:
            self.add_error("ends", _("结束时间不能与开始时间相同。"))
        elif starts is None and data.get("day") and work_calendar().is_workday(data["day"]):
            # A whole working day on duty says nothing: everyone is at work; a seat shift says when.
            self.add_error(
                "starts",
                _("%(day)s 是工作日，请填写班次的开始和结束时间（整天值班只用于周末和节假日）。")
                % {"day": f"{data['day']:%Y-%m-%d}"},
            )
        group = data.get("group")
        if unit is not None and user is not None:
            if not Membership.objects.filter(user=user, unit__path__startswith=unit.path).exists():
                self.add_error("user", _("%(user)s 不是 %(unit)s 的工作人员。") % {"user": user, "unit": unit})
            elif data.get("day") and DutyShift.objects.filter(day=data["day"], unit=unit, user=user).exists():
                self.add_error("user", _("%(user)s 当天已在 %(unit)s 值班。") % {"user": user, "unit": unit})
            elif group is not None and not group.members.filter(pk=user.pk).exists():
                self.add_error("group", _("%(user)s 不是话务组“%(group)s”的成员。") % {"user": user, "group": group})
        return data


class ScheduleImportForm(CountedLimits, forms.Form):
    """A year's schedule as published: the notice's text, or a table (date, 放假/上班, name)."""

    NOTICE, TABLE = "notice", "table"

    year = forms.TypedChoiceField(label=_("年份"), coerce=int, error_messages={"required": _("请选择年份。")})
    kind = forms.ChoiceField(
        label=_("来源"),
        choices=[
            (NOTICE, _("粘贴国务院办公厅通知正文")),
            (TABLE, _("导入表格（CSV 或 Excel：日期，放假/上班，名称）")),
        ],
        initial=NOTICE,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("通知正文"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(
            # The notice is published in Chinese, whatever the page's language.
            attrs={
                "rows": 12,
                "lang": "zh-hans",
                "placeholder": _("国务院办公厅关于X年部分节假日安排的通知……一、元旦：……"),
            }
        ),
        help_text=_("从中国政府网复制整篇通知粘贴即可；也可粘贴表格的 CSV 文本。"),
    )
    file = forms.FileField(label=_("表格文件"), required=False, help_text=_("第一行可为表头；日期写成 2027-01-01。"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year - 1, this_year + 4)]  # type: ignore[attr-defined]
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > 2 * 1024 * 1024:
                self.add_error("file", _("文件过大（最多 2 MB）。"))
                return data
            try:
                rows = read_table(upload.name, upload.read())
            except TableError as error:
                self.add_error("file", str(error))
                return data
            # The preview carries the table as CSV text, so confirming needs no second upload.
            data["text"] = rows_as_text(rows)
            data["kind"] = self.TABLE
        elif not (data.get("text") or "").strip() and "text" not in self.errors:
            self.add_error("text", _("请粘贴通知正文，或选择表格文件。"))
        return data

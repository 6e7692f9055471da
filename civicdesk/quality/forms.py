"""The inspector's, the operator's and the second reviewer's forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.textlimits import CountedLimits
from civicdesk.quality.actions import APPEAL_MAX, COMMENT_MAX
from civicdesk.quality.models import Deduction, ScoreForm


class ScoreInput(CountedLimits, forms.Form):
    """The form's deductions as ticks, grouped by item in the template."""

    reasons = forms.MultipleChoiceField(label=_("扣分项"), required=False, widget=forms.CheckboxSelectMultiple)
    comment = forms.CharField(
        label=_("质检评语"), required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, form: ScoreForm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.score_form = form
        self.items = list(form.items.prefetch_related("reasons"))
        self.fields["reasons"].choices = [  # type: ignore[attr-defined]
            (str(r.pk), str(r)) for item in self.items for r in item.reasons.all()
        ]
        self.fields["comment"].widget.attrs["class"] = "form-control"

    def chosen(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("reasons") or []]


class AppealInput(CountedLimits, forms.Form):
    appeal = forms.CharField(
        label=_("申诉理由"),
        max_length=APPEAL_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": _("请写明申诉理由。")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionInput(CountedLimits, forms.Form):
    withdraw = forms.MultipleChoiceField(
        label=_("撤销以下扣分（申诉成立的部分）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    decision = forms.CharField(
        label=_("复核意见"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": _("请填写复核意见。")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, deductions: list[Deduction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["withdraw"].choices = [(str(d.pk), str(d)) for d in deductions]  # type: ignore[attr-defined]

    def chosen(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("withdraw") or []]


class FillInput(forms.Form):
    week = forms.DateField(
        label=_("周（任选其中一天）"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"),
        error_messages={"required": _("请选择日期。"), "invalid": _("请填写有效的日期，如 2027-01-01。")},
    )

"""Forms of the enterprise pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.textlimits import CountedLimits


class RenewalForm(CountedLimits, forms.Form):
    new_valid_to = forms.DateField(
        label=_("新有效期至"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
        error_messages={"required": _("请填写新的有效期。"), "invalid": _("请填写有效的日期，如 2027-06-30。")},
    )
    note = forms.CharField(
        label=_("说明"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

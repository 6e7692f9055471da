"""Forms of the policy pages: the measure itself, the portal's search, the import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import Area
from civicdesk.enterprises.models import EnterpriseSize, Industry, LicenceKind
from civicdesk.lib.textlimits import CountedLimits
from civicdesk.policies.models import Policy

_TEXT = {"class": "form-control"}
_DATE = {"class": "form-control", "type": "date"}
_AREA = {"class": "form-text"}


class PolicyForm(CountedLimits, forms.ModelForm):
    industries = forms.MultipleChoiceField(
        label=_("适用行业（不选：不限）"), choices=Industry.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    sizes = forms.MultipleChoiceField(
        label=_("适用规模（不选：不限）"),
        choices=EnterpriseSize.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    licences = forms.MultipleChoiceField(
        label=_("须持有证照"), choices=LicenceKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    source_url = forms.URLField(
        label=_("原文链接"), required=False, assume_scheme="https", widget=forms.URLInput(attrs=_TEXT)
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("适用区域（不选：全市）"),
        queryset=Area.objects.filter(active=True).order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
    )

    class Meta:
        model = Policy
        fields = [
            "code",
            "title",
            "issuing_body",
            "document_number",
            "issued_on",
            "valid_from",
            "valid_to",
            "benefit",
            "eligibility",
            "materials",
            "contact",
            "full_text",
            "source_document",
            "source_url",
            "industries",
            "sizes",
            "areas",
            "min_age_years",
            "max_age_years",
            "licences",
            "min_annual_tax",
            "min_employees",
            "max_employees",
        ]
        widgets = {
            "issued_on": forms.DateInput(attrs=_DATE),
            "valid_from": forms.DateInput(attrs=_DATE),
            "valid_to": forms.DateInput(attrs=_DATE),
            "benefit": forms.Textarea(attrs={**_TEXT, "rows": 3}),
            "eligibility": forms.Textarea(attrs={**_TEXT, "rows": 3}),
            "materials": forms.Textarea(attrs={**_TEXT, "rows": 3}),
            "full_text": forms.Textarea(attrs={**_TEXT, "rows": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple | forms.SelectMultiple):
                field.widget.attrs.setdefault("class", "form-control")
        if self.instance.pk:
            # The code is the measure's key (imports find it by code): fixed once given.
            self.fields["code"].disabled = True

    def validate_unique(self) -> None:
        # One code, one measure: an existing code is changed by save_policy, not refused here.
        return


class SearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50, widget=forms.TextInput(attrs=_TEXT))
    industry = forms.ChoiceField(
        label=_("行业"),
        choices=[("", _("全部行业")), *Industry.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    size = forms.ChoiceField(
        label=_("企业规模"),
        choices=[("", _("全部规模")), *EnterpriseSize.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"), widget=forms.ClearableFileInput(attrs=_TEXT))


class CiteForm(forms.Form):
    article = forms.IntegerField(label=_("知识条目编号"), min_value=1, widget=forms.NumberInput(attrs=_TEXT))


class WithdrawForm(CountedLimits, forms.Form):
    reason = forms.CharField(label=_("停用原因"), max_length=500, widget=forms.TextInput(attrs=_TEXT))

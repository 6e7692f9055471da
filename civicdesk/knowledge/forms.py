"""Forms of the knowledge pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.fields import CategoryChoiceField
from civicdesk.catalogue.models import Category
from civicdesk.knowledge.actions import ANSWER_MAX, TITLE_MAX
from civicdesk.lib.picker import PickerSelect
from civicdesk.lib.textlimits import CountedLimits
from civicdesk.org.models import OrgUnit

_TEXT = {"class": "form-control"}
_DATE = {"class": "form-control", "type": "date"}
_SMALL = {"class": "form-control form-control-sm"}


class ArticleForm(CountedLimits, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=TITLE_MAX, widget=forms.TextInput(attrs=_TEXT))
    questions = forms.CharField(
        label=_("适用问题（每行一种问法）"),
        required=False,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 3}),
    )
    answer = forms.CharField(
        label=_("答复口径"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 8}),
    )
    category = CategoryChoiceField(
        label=_("诉求分类"),
        queryset=Category.objects.filter(active=True).select_related("parent__parent"),
        required=False,
        widget=PickerSelect(attrs={"class": "form-select"}),
    )
    owner_unit = forms.ModelChoiceField(
        label=_("责任单位"),
        queryset=OrgUnit.objects.none(),
        widget=PickerSelect(attrs={"class": "form-select"}),
    )
    sources = forms.CharField(
        label=_("政策依据（每行一份文件）"),
        required=False,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 2}),
    )
    valid_from = forms.DateField(label=_("生效日期"), required=False, widget=forms.DateInput(attrs=_DATE))
    valid_to = forms.DateField(label=_("失效日期"), required=False, widget=forms.DateInput(attrs=_DATE))
    review_due = forms.DateField(label=_("下次复核日期"), required=False, widget=forms.DateInput(attrs=_DATE))
    note = forms.CharField(label=_("修改说明"), required=False, max_length=500, widget=forms.TextInput(attrs=_TEXT))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = OrgUnit.objects.filter(pk__in=[u.pk for u in units])  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("valid_from") and data.get("valid_to") and data["valid_to"] < data["valid_from"]:
            self.add_error("valid_to", _("失效日期不能早于生效日期。"))
        return data


class NoteForm(CountedLimits, forms.Form):
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    review_due = forms.DateField(
        label=_("下次复核日期"), required=False, widget=forms.DateInput(attrs={**_SMALL, "type": "date"})
    )


class ImportForm(CountedLimits, forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"), widget=forms.ClearableFileInput(attrs=_TEXT))


class DictionaryForm(CountedLimits, forms.Form):
    synonyms = forms.CharField(
        label=_("同义词（每行一组，用逗号分隔）"),
        required=False,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 8}),
    )
    words = forms.CharField(
        label=_("自定义词（地名、政策名，每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 8}),
    )

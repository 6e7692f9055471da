"""The chat's forms: the citizen's start and message, the operator's ending."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.catalogue.models import Area, Category, RequestType, Urgency
from civicdesk.chat.actions import MESSAGE_MAX, NOTE_MAX
from civicdesk.enterprises.lookup import find_enterprise
from civicdesk.enterprises.models import Enterprise
from civicdesk.lib.phones import normalised_phone
from civicdesk.lib.picker import PickerSelect
from civicdesk.lib.plaintext import strip_html
from civicdesk.lib.textlimits import CountedLimits
from civicdesk.org.models import OrgUnit, dispatch_targets


class PlainTextField(forms.CharField):
    """Text with its markup stripped, as the portal's forms take it; the limit is counted and
    checked (CountedLimits), never enforced by cutting."""

    def __init__(self, *, limit: int, **kwargs: Any) -> None:
        self.limit = limit  # the portal's field template shows a counter for it
        kwargs.setdefault("required", False)
        super().__init__(max_length=limit, **kwargs)

    def to_python(self, value: Any) -> str:
        return strip_html(super().to_python(value))


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class MessageForm(CountedLimits, forms.Form):
    text = PlainTextField(
        label=gettext_lazy("消息"), limit=MESSAGE_MAX, required=True, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _("请输入内容。")
        _style(self)


class StartForm(MessageForm):
    citizen_phone = forms.CharField(
        label=gettext_lazy("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    citizen_name = PlainTextField(label=gettext_lazy("怎么称呼您（可选）"), limit=50)
    confidential = forms.BooleanField(label=gettext_lazy("为我保密（承办单位看不到我的姓名和电话）"), required=False)
    enterprise = PlainTextField(label=gettext_lazy("企业名称或统一社会信用代码（企业咨询）"), limit=220)
    captcha_key = forms.CharField(widget=forms.HiddenInput, required=False)
    captcha_answer = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    field_order = ["citizen_phone", "citizen_name", "enterprise", "text", "confidential", "captcha_answer"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = gettext_lazy("您想咨询什么")
        self.fields["citizen_phone"].error_messages["required"] = _("请填写手机号码，用于回复和查询。")

    def clean_citizen_phone(self) -> str:
        phone = normalised_phone(strip_html(self.cleaned_data.get("citizen_phone")))
        if phone is None:
            raise forms.ValidationError(_("请填写正确的手机号码（11位）或带区号的固定电话。"))
        return phone

    def clean_enterprise(self) -> Enterprise | None:
        value = self.cleaned_data.get("enterprise") or ""
        if not value:
            return None
        found = find_enterprise(value)
        if found is None:
            raise forms.ValidationError(_("没有找到该企业，请输入完整的企业名称或统一社会信用代码。"))
        return found


class EndForm(CountedLimits, forms.Form):
    """How the operator ends a chat: the reply box (the answer, for 即时答复), the order's
    fields (for 转为工单), or a note."""

    text = forms.CharField(
        label=gettext_lazy("回复 / 即时答复内容"),
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "id": "id_answer"}),
    )
    title = forms.CharField(label=gettext_lazy("标题（不填则取市民第一句话）"), max_length=200, required=False)
    request_type = forms.ChoiceField(
        label=gettext_lazy("诉求类型"), choices=RequestType.choices, initial=RequestType.ENQUIRY
    )
    urgency = forms.ChoiceField(label=gettext_lazy("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    category = forms.ModelChoiceField(
        label=gettext_lazy("诉求分类"), queryset=Category.objects.none(), required=False, widget=PickerSelect
    )
    area = forms.ModelChoiceField(
        label=gettext_lazy("区域"), queryset=Area.objects.filter(active=True), required=False, widget=PickerSelect
    )
    address = forms.CharField(label=gettext_lazy("地址"), max_length=255, required=False)
    lead_unit = forms.ModelChoiceField(
        label=gettext_lazy("直接派单至（不选则提交派单员）"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=PickerSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("记录（仅记录并结束时填写）"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, hub: OrgUnit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leaves = Category.objects.filter(active=True, children__isnull=True).order_by("code")
        self.fields["category"].queryset = leaves  # type: ignore[attr-defined]
        if hub is not None:
            # A lower hub's units are its to dispatch to: it is offered itself (下转).
            self.fields["lead_unit"].queryset = dispatch_targets([hub])  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_{name}")
        _style(self)

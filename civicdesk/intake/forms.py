"""The operator's intake form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import Area, Category, Channel, RequestType, Topic, Urgency
from civicdesk.catalogue.tagging import categories_proposing_topics
from civicdesk.enterprises.lookup import find_enterprise
from civicdesk.enterprises.models import Enterprise
from civicdesk.lib.picker import PickerSelect
from civicdesk.lib.textlimits import CountedLimits
from civicdesk.org.models import OrgUnit, dispatch_targets


class CategoryField(forms.ModelChoiceField):
    widget = PickerSelect

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name())


class TopicBoxes(forms.CheckboxSelectMultiple):
    """The topic checkboxes; each says, in data-categories, which categories propose it
    (civicdesk.catalogue.tagging), so that choosing one ticks it for the operator (console.js)."""

    proposing: dict[int, list[int]] = {}

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: Any = None,
    ) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(
            name, value, label, selected, index, subindex=subindex, attrs=attrs
        )
        categories = self.proposing.get(getattr(value, "value", value), [])
        if categories:
            option["attrs"]["data-categories"] = " ".join(str(pk) for pk in categories)
        return option


class IntakeForm(CountedLimits, forms.Form):
    citizen_phone = forms.CharField(label=_("来电号码"), max_length=20, required=False)
    citizen_name = forms.CharField(label=_("来电人"), max_length=50, required=False)
    confidential = forms.BooleanField(label=_("保密（不向承办单位显示来电人）"), required=False)
    wants_reply = forms.BooleanField(label=_("需要回复"), required=False, initial=True)
    channel = forms.ChoiceField(label=_("受理渠道"), choices=Channel.choices, initial=Channel.PHONE)
    request_type = forms.ChoiceField(label=_("诉求类型"), choices=RequestType.choices, initial=RequestType.COMPLAINT)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(label=_("诉求内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    address = forms.CharField(label=_("地址"), max_length=255, required=False)
    area = forms.ModelChoiceField(
        label=_("区域"), queryset=Area.objects.filter(active=True), required=False, widget=PickerSelect
    )
    category = CategoryField(label=_("诉求分类"), queryset=Category.objects.none(), required=False)
    topics = forms.ModelMultipleChoiceField(
        label=_("专题"), queryset=Topic.objects.all(), required=False, widget=TopicBoxes
    )
    answer = forms.CharField(
        label=_("即时答复内容"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # 涉企诉求: typed as a name or credit code, picked from a list (the officer's companies first).
    enterprise = forms.CharField(
        label=_("企业（名称或统一社会信用代码）"),
        max_length=220,
        required=False,
        widget=forms.TextInput(attrs={"list": "enterprise-options", "autocomplete": "off"}),
    )
    # The softphone's call id from the screen-pop URL, so that the order links to its call.
    call_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # A one-time token per form shown: the same form sent twice makes one order (views.new).
    submission = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # Which call the browser's unsent draft belongs to (console.js keeps it under this key).
    draft = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    # Asked only when the call already has an order: the operator confirms a second one.
    same_call_confirmed = forms.BooleanField(
        label=_("确认为同一来电再建一张工单"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-no-draft": "1"}),  # never restored from a draft
    )
    lead_unit = forms.ModelChoiceField(
        label=_("直接派单至"), queryset=OrgUnit.objects.none(), required=False, widget=PickerSelect
    )
    attachments = forms.FileField(
        label=_("附件"), required=False, widget=forms.ClearableFileInput(attrs={"allow_multiple_selected": True})
    )

    def __init__(
        self, *args: Any, hub: OrgUnit | None = None, enterprise_required: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].required = enterprise_required
        self.fields["enterprise"].error_messages["required"] = _("驻企员受理须选择企业。")
        leaves = Category.objects.filter(active=True, children__isnull=True).select_related("parent__parent")
        self.fields["category"].queryset = leaves.order_by("code")  # type: ignore[attr-defined]
        self.fields["topics"].widget.proposing = categories_proposing_topics()  # type: ignore[attr-defined]
        if hub is not None:
            # A lower hub's units are its to dispatch to: it is offered itself (下转).
            self.fields["lead_unit"].queryset = dispatch_targets([hub])  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                continue
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")
            widget.attrs.setdefault("id", f"id_{name}")

    def clean_enterprise(self) -> Enterprise | None:
        value = (self.cleaned_data.get("enterprise") or "").strip()
        if not value:
            if self.fields["enterprise"].required:
                raise forms.ValidationError(_("驻企员受理须选择企业。"))
            return None
        found = find_enterprise(value)
        if found is None:
            raise forms.ValidationError(_("没有找到该企业，请从列表中选择，或输入完整的统一社会信用代码。"))
        return found

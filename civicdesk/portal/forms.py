"""The citizen portal's forms. Every text field is plain text: markup is stripped before
anything is checked or stored (civicdesk.lib.plaintext), and a too-long text says how long
it is."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.catalogue.models import Area, Category, RequestType
from civicdesk.lib.phones import normalised_phone
from civicdesk.lib.plaintext import strip_html
from civicdesk.orders.models import ReplyResult, Satisfaction

CONTENT_MAX = 2000
SUPPLEMENT_MAX = 1000
COMMENT_MAX = 500
ADDRESS_MAX = 120
NAME_MAX = 20
PHOTO_MAX = 6
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic")
_NUMBER = re.compile(r"^\d{13}$")

# What each request type means, in the citizen's words.
TYPE_HINTS = {
    RequestType.ENQUIRY: gettext_lazy("想了解政策、办事流程"),
    RequestType.HELP: gettext_lazy("遇到困难需要帮忙解决"),
    RequestType.COMPLAINT: gettext_lazy("对某件事或某个单位不满意"),
    RequestType.REPORT: gettext_lazy("反映违法违规行为"),
    RequestType.SUGGESTION: gettext_lazy("对城市管理和服务提出想法"),
    RequestType.PRAISE: gettext_lazy("表扬好人好事、服务好的单位"),
}


class PlainTextField(forms.CharField):
    """A CharField whose value has its markup stripped; the length limit counts what is left."""

    def __init__(self, *, limit: int, **kwargs: Any) -> None:
        self.limit = limit
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return strip_html(super().to_python(value))

    def validate(self, value: Any) -> None:
        super().validate(value)
        if len(value) > self.limit:
            raise forms.ValidationError(
                _("不能超过 %(n)s 个字（现有 %(m)s 个）。") % {"n": self.limit, "m": len(value)}, code="too_long"
            )

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs["data-limit"] = str(self.limit)
        return attrs


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def top_categories() -> list[Category]:
    return list(Category.objects.filter(parent__isnull=True, active=True).order_by("code"))


def category_hints() -> dict[int, str]:
    """A few plain words per top-level category: its description, else what it covers."""
    hints: dict[int, str] = {}
    below: dict[int, list[str]] = {}
    for parent_id, name in (
        Category.objects.filter(parent__parent__isnull=True, parent__isnull=False, active=True)
        .order_by("code")
        .values_list("parent_id", "name")
    ):
        below.setdefault(parent_id, []).append(name)
    for category in top_categories():
        names = below.get(category.pk, [])
        covers = "、".join(names[:5])
        if len(names) > 5:
            covers = _("%(names)s等") % {"names": covers}
        hints[category.pk] = category.description or covers
    return hints


def _style(form: forms.Form) -> None:
    """Bootstrap's classes on every widget, as the console's forms have them."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.RadioSelect, forms.CheckboxInput)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; type, count and size are checked again by the action
    (civicdesk.orders.attachments), which the portal narrows to pictures here."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:  # type: ignore[override]
        uploads = [d for d in (data if isinstance(data, (list, tuple)) else [data]) if d]
        if len(uploads) > PHOTO_MAX:
            raise forms.ValidationError(
                _("最多上传 %(n)s 张照片（现有 %(m)s 张）。") % {"n": PHOTO_MAX, "m": len(uploads)}
            )
        single = super().clean
        checked = [single(upload, initial) for upload in uploads]
        for upload in checked:
            if not (upload.name or "").lower().endswith(PHOTO_SUFFIXES):
                raise forms.ValidationError(
                    _("%(name)s 不是照片：只能上传 JPG、PNG、GIF、WEBP、HEIC 图片。") % {"name": upload.name}
                )
        return checked


class SubmitForm(forms.Form):
    request_type = forms.ChoiceField(
        label=gettext_lazy("您想"), choices=RequestType.choices, initial=RequestType.HELP, widget=forms.RadioSelect
    )
    category = CategoryChoice(
        label=gettext_lazy("大致属于哪方面（不确定可不选）"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    content = PlainTextField(
        label=gettext_lazy("请说说具体情况"), limit=CONTENT_MAX, required=True, widget=forms.Textarea(attrs={"rows": 6})
    )
    address = PlainTextField(label=gettext_lazy("发生地点"), limit=ADDRESS_MAX)
    area = forms.ModelChoiceField(
        label=gettext_lazy("所在镇街"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=gettext_lazy("（不清楚）"),
    )
    photos = PhotosField(label=gettext_lazy("照片（可选）"))
    citizen_name = PlainTextField(label=gettext_lazy("怎么称呼您（可选）"), limit=NAME_MAX)
    citizen_phone = forms.CharField(
        label=gettext_lazy("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    confidential = forms.BooleanField(label=gettext_lazy("为我保密（承办单位看不到我的姓名和电话）"), required=False)
    wants_reply = forms.BooleanField(label=gettext_lazy("需要办理结果短信通知和回访"), required=False, initial=True)
    captcha_key = forms.CharField(widget=forms.HiddenInput, required=False)
    captcha_answer = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(  # type: ignore[attr-defined]
            parent__isnull=True, active=True
        ).order_by("code")
        self.fields["area"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            active=True, level__lte=2
        ).order_by("level", "code")
        _style(self)
        self.fields["citizen_phone"].error_messages["required"] = _("请填写手机号码，用于查询进度和回复。")
        self.fields["content"].error_messages["required"] = _("请填写具体情况。")

    def clean_citizen_phone(self) -> str:
        phone = normalised_phone(strip_html(self.cleaned_data.get("citizen_phone")))
        if phone is None:
            raise forms.ValidationError(_("请填写正确的手机号码（11位）或带区号的固定电话。"))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("address") and not data.get("area"):
            self.add_error("address", _("请填写发生地点，或选择所在镇街。"))
        return data


class TrackForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    number = forms.CharField(
        label=gettext_lazy("工单号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    last_four = forms.CharField(
        label=gettext_lazy("手机号后四位"),
        max_length=4,
        min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_number(self) -> str:
        number = re.sub(r"\s", "", self.cleaned_data.get("number") or "")
        if not _NUMBER.match(number):
            raise forms.ValidationError(_("工单号是13位数字，例如 2026120100017。"))
        return number

    def clean_last_four(self) -> str:
        digits = (self.cleaned_data.get("last_four") or "").strip()
        if not re.fullmatch(r"\d{4}", digits):
            raise forms.ValidationError(_("请填写手机号码的后四位数字。"))
        return digits


URGE_NOTE_MAX = 500


class SupplementForm(forms.Form):
    text = PlainTextField(
        label=gettext_lazy("补充说明"), limit=SUPPLEMENT_MAX, required=True, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = PhotosField(label=gettext_lazy("照片（可选）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["text"].error_messages["required"] = _("请填写补充内容。")


class UrgeForm(forms.Form):
    """催办 from the tracking page: the citizen says the matter is still waiting (the words are optional)."""

    note = PlainTextField(
        label=gettext_lazy("催办说明（可选）"),
        limit=URGE_NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


WITHDRAW_REASON_MAX = 500


class WithdrawForm(forms.Form):
    """A citizen takes their request back (before a unit has replied)."""

    reason = PlainTextField(
        label=gettext_lazy("撤销原因"),
        limit=WITHDRAW_REASON_MAX,
        required=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(label=gettext_lazy("我确认撤销这件诉求，撤销后不再办理"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["reason"].error_messages["required"] = _("请填写撤销原因，例如“问题已自行解决”。")
        self.fields["confirm"].error_messages["required"] = _("请勾选确认后再撤销。")


class RateForm(forms.Form):
    solved = forms.ChoiceField(
        label=gettext_lazy("问题解决了吗"), choices=ReplyResult.choices, widget=forms.RadioSelect
    )
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("您对办理满意吗"),
        choices=[c for c in Satisfaction.choices if c[0] != Satisfaction.NO_RATING],
        widget=forms.RadioSelect,
    )
    comment = PlainTextField(
        label=gettext_lazy("还想说的话（可选）"), limit=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["solved"].error_messages["required"] = _("请选择问题是否解决。")
        self.fields["satisfaction"].error_messages["required"] = _("请选择是否满意。")

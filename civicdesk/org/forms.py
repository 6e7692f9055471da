"""Forms the admin pages use to keep the organisation: units, people and their roles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.textlimits import CountedLimits
from civicdesk.org.fields import UnitChoiceField
from civicdesk.org.models import Membership, OrgUnit, Role, User


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.HiddenInput)):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


class UnitForm(CountedLimits, forms.ModelForm):
    """Add a unit under a parent, or rename / move one."""

    parent = UnitChoiceField(
        label=_("上级单位"), queryset=OrgUnit.objects.none(), error_messages={"required": _("请选择上级单位。")}
    )

    class Meta:
        model = OrgUnit
        fields = ["name", "code", "kind", "parent", "is_hub", "phone"]
        error_messages = {
            "name": {"required": _("请填写单位名称。")},
            "code": {"required": _("请填写单位编码。"), "unique": _("该编码已被其他单位使用。")},
            "kind": {"required": _("请选择单位类型。")},
        }
        help_texts = {"code": _("全市唯一，建议用拼音缩写，如 rc-zj。")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = OrgUnit.objects.filter(active=True)
        if self.instance.pk is not None:
            # A unit cannot move under itself or anything below it.
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents.order_by("path")  # type: ignore[attr-defined]
        _style(self)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("请填写单位名称。"))
        return name

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code:
            raise forms.ValidationError(_("请填写单位编码。"))
        return code

    def clean_parent(self) -> OrgUnit:
        parent: OrgUnit = self.cleaned_data["parent"]
        if self.instance.pk is not None and parent.path.startswith(self.instance.path):
            raise forms.ValidationError(_("不能把单位移到它自己或它的下级单位之下。"))
        if not parent.active:
            raise forms.ValidationError(_("上级单位已停用。"))
        return parent

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, parent = data.get("name"), data.get("parent")
        if name and parent is not None:
            siblings = OrgUnit.objects.filter(parent=parent, name=name)
            if self.instance.pk is not None:
                siblings = siblings.exclude(pk=self.instance.pk)
            if siblings.exists():
                self.add_error("name", _("“%(parent)s”下已有同名单位。") % {"parent": parent.name})
        return data


class UserCreateForm(CountedLimits, forms.ModelForm):
    password1 = forms.CharField(label=_("初始密码"), strip=False, widget=forms.PasswordInput(render_value=False))
    password2 = forms.CharField(label=_("再次输入密码"), strip=False, widget=forms.PasswordInput(render_value=False))
    unit = UnitChoiceField(label=_("所在单位"), queryset=OrgUnit.objects.none(), required=False)
    role = forms.ChoiceField(label=_("角色"), choices=[("", "—"), *Role.choices], required=False)

    class Meta:
        model = User
        fields = ["username", "display_name", "phone"]
        error_messages = {
            "username": {"required": _("请填写登录名。"), "unique": _("该登录名已被使用。")},
        }
        help_texts = {"username": _("字母、数字和 @/./+/-/_ ，登录时使用。")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.fields["display_name"].error_messages["required"] = _("请填写姓名。")
        self.fields["password1"].error_messages["required"] = _("请设置初始密码。")
        self.fields["password2"].error_messages["required"] = _("请再次输入密码。")
        self.fields["unit"].queryset = OrgUnit.objects.filter(active=True).order_by("path")  # type: ignore[attr-defined]
        _style(self)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("该登录名已被使用。"))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif first:
            candidate = User(username=data.get("username", ""), display_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        unit, role = data.get("unit"), data.get("role")
        if unit is not None and not role:
            self.add_error("role", _("选择了单位，请同时选择角色。"))
        if role and unit is None:
            self.add_error("unit", _("选择了角色，请同时选择单位。"))
        return data

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
            if self.cleaned_data.get("unit") is not None:
                Membership.objects.create(user=user, unit=self.cleaned_data["unit"], role=self.cleaned_data["role"])
        return user


class UserEditForm(CountedLimits, forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "phone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.fields["display_name"].error_messages["required"] = _("请填写姓名。")
        _style(self)


class MembershipForm(CountedLimits, forms.Form):
    """Give a person a role in a unit (a role counts only in that unit and below)."""

    unit = UnitChoiceField(
        label=_("单位"), queryset=OrgUnit.objects.none(), error_messages={"required": _("请选择单位。")}
    )
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices, error_messages={"required": _("请选择角色。")})

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = OrgUnit.objects.filter(active=True).order_by("path")  # type: ignore[attr-defined]
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit, role = data.get("unit"), data.get("role")
        if unit is not None and role and Membership.objects.filter(user=self.user, unit=unit, role=role).exists():
            self.add_error(
                "role",
                _("%(user)s 在 %(unit)s 已有“%(role)s”角色。")
                % {"user": self.user, "unit": unit.name, "role": Role(role).label},
            )
        return data

    def save(self) -> Membership:
        return Membership.objects.create(user=self.user, unit=self.cleaned_data["unit"], role=self.cleaned_data["role"])


class ResetPasswordForm(SetPasswordForm):
    """An administrator's temporary password for someone; that person must replace it at the
    next sign-in. Checked by the same validators (against the person's name and phone)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("临时密码")
        self.fields["new_password1"].help_text = ""
        self.fields["new_password2"].label = _("再次输入临时密码")
        _style(self)

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        user.must_change_password = True
        if commit:
            user.save()
        return user

"""The admin's pages for the organisation: the unit tree with its members, units, people
and their roles. Reference data, so plain forms and model saves (no order rows change)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.org.forms import MembershipForm, ResetPasswordForm, UnitForm, UserCreateForm, UserEditForm
from civicdesk.org.in_use import deactivation_blocks
from civicdesk.org.models import Membership, OrgUnit, Role, User
from civicdesk.org.web import admin_required

View = Callable[..., HttpResponse]


def _depth(unit: OrgUnit) -> int:
    return max(0, unit.path.count("/") - 2)


@admin_required
def tree(request: HttpRequest) -> HttpResponse:
    units = list(OrgUnit.objects.order_by("path"))
    members: dict[int, list[Membership]] = defaultdict(list)
    for membership in Membership.objects.select_related("user").order_by("role", "user__username"):
        members[membership.unit_id].append(membership)
    show_inactive = request.GET.get("inactive") == "1"
    rows = [
        {"unit": u, "depth": _depth(u), "indent": _depth(u) * 1.25, "members": members.get(u.pk, [])}
        for u in units
        if u.active or show_inactive
    ]
    return render(request, "org/tree.html", {"rows": rows, "show_inactive": show_inactive})


@admin_required
def unit_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = UnitForm(request.POST)
        if form.is_valid():
            unit = form.save()
            messages.success(request, _("已添加单位：%(name)s") % {"name": unit.name})
            return redirect("org:tree")
    else:
        initial = {}
        parent = OrgUnit.objects.filter(pk=request.GET.get("parent") or 0, active=True).first()
        if parent is not None:
            initial["parent"] = parent.pk
        form = UnitForm(initial=initial)
    return render(request, "org/unit_form.html", {"form": form, "title": _("添加单位")}, status=_status(form))


@admin_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(OrgUnit, pk=pk)
    if request.method == "POST":
        form = UnitForm(request.POST, instance=unit)
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, _("已保存单位：%(name)s") % {"name": unit.name})
            return redirect("org:tree")
    else:
        form = UnitForm(instance=unit)
    context = {"form": form, "title": _("修改单位：%(name)s") % {"name": unit.name}, "unit": unit}
    return render(request, "org/unit_form.html", context, status=_status(form))


@admin_required
def unit_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(OrgUnit, pk=pk)
    blocks = deactivation_blocks(unit) if unit.active else []
    if request.method == "POST" and unit.active and not blocks:
        unit.active = False
        unit.save(update_fields=["active"])
        messages.success(request, _("已停用单位：%(name)s") % {"name": unit.name})
        return redirect("org:tree")
    members = Membership.objects.filter(unit=unit).count()
    status = 400 if request.method == "POST" else 200
    return render(
        request, "org/unit_deactivate.html", {"unit": unit, "blocks": blocks, "members": members}, status=status
    )


@admin_required
@require_POST
def unit_activate(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(OrgUnit, pk=pk)
    if unit.parent is not None and not unit.parent.active:
        messages.error(request, _("上级单位“%(parent)s”已停用，请先启用上级单位。") % {"parent": unit.parent.name})
    else:
        unit.active = True
        unit.save(update_fields=["active"])
        messages.success(request, _("已启用单位：%(name)s") % {"name": unit.name})
    return redirect("org:tree")


@admin_required
def users(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:50]
    people = User.objects.order_by("username").prefetch_related("memberships__unit")
    if query:
        people = people.filter(
            Q(username__icontains=query) | Q(display_name__icontains=query) | Q(memberships__unit__name__contains=query)
        ).distinct()
    return render(request, "org/users.html", {"people": people[:300], "query": query, "total": people.count()})


@admin_required
def user_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = UserCreateForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                person = form.save()
            messages.success(request, _("已添加用户：%(name)s") % {"name": person})
            return redirect("org:user", pk=person.pk)
    else:
        form = UserCreateForm(initial={"unit": request.GET.get("unit") or None})
    return render(request, "org/user_new.html", {"form": form}, status=_status(form))


@admin_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    profile = UserEditForm(instance=person)
    membership = MembershipForm(user=person, initial={"unit": request.GET.get("unit") or None})
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "membership":
            membership = MembershipForm(request.POST, user=person)
            if membership.is_valid():
                added = membership.save()
                messages.success(
                    request,
                    _("已为 %(user)s 分配角色：%(unit)s · %(role)s")
                    % {"user": person, "unit": added.unit.name, "role": added.get_role_display()},
                )
                return redirect("org:user", pk=person.pk)
            status = 400
        else:
            profile = UserEditForm(request.POST, instance=person)
            if profile.is_valid():
                profile.save()
                messages.success(request, _("已保存：%(user)s") % {"user": person})
                return redirect("org:user", pk=person.pk)
            status = 400
    context = {
        "person": person,
        "profile": profile,
        "reset_form": ResetPasswordForm(person),
        "locked": sign_in_locked(person),
        "membership_form": membership,
        "memberships": person.memberships.select_related("unit").order_by("unit__path", "role"),
        "is_self": person.pk == request.user.pk,
    }
    return render(request, "org/user_detail.html", context, status=status)


@admin_required
@require_POST
def membership_delete(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("unit", "user"), pk=membership_pk, user_id=pk)
    if membership.user_id == request.user.pk and membership.role == Role.ADMIN:
        messages.error(request, _("不能移除您自己的管理员角色，请让其他管理员操作。"))
    else:
        membership.delete()
        messages.success(
            request,
            _("已移除角色：%(unit)s · %(role)s")
            % {"unit": membership.unit.name, "role": membership.get_role_display()},
        )
    return redirect("org:user", pk=pk)


@admin_required
@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    activate = request.POST.get("active") == "1"
    if not activate and person.pk == request.user.pk:
        messages.error(request, _("不能停用您自己的账号。"))
    else:
        person.is_active = activate
        person.save(update_fields=["is_active"])
        if activate:
            messages.success(request, _("已启用账号：%(user)s") % {"user": person})
        else:
            messages.success(request, _("已停用账号：%(user)s（不能再登录，历史记录保留）") % {"user": person})
    return redirect("org:user", pk=pk)


def _status(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


def sign_in_locked(person: User) -> bool:
    """Whether the sign-in lockout refuses this account now (too many wrong passwords within
    the lockout time), as django-axes counts them."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = (
        AccessAttempt.objects.filter(username=person.username, attempt_time__gte=since).aggregate(
            n=Sum("failures_since_start")
        )["n"]
        or 0
    )
    return bool(failures >= int(settings.AXES_FAILURE_LIMIT))


@admin_required
@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift the sign-in lockout of this account (its counted failures are forgotten)."""
    person = get_object_or_404(User, pk=pk)
    reset(username=person.username)
    messages.success(request, _("已解除登录锁定：%(user)s") % {"user": person})
    return redirect("org:user", pk=pk)


@admin_required
@require_POST
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a temporary password that the person must replace at the next sign-in; their
    sign-in lockout is lifted as well, so that the new password can be used at once."""
    person = get_object_or_404(User, pk=pk)
    form = ResetPasswordForm(person, request.POST)
    if not form.is_valid():
        context = {
            "person": person,
            "profile": UserEditForm(instance=person),
            "reset_form": form,
            "locked": sign_in_locked(person),
            "membership_form": MembershipForm(user=person),
            "memberships": person.memberships.select_related("unit").order_by("unit__path", "role"),
            "is_self": person.pk == request.user.pk,
        }
        return render(request, "org/user_detail.html", context, status=400)
    form.save()
    reset(username=person.username)
    messages.success(
        request, _("已重置 %(user)s 的密码：请把临时密码告知本人，下次登录时须改为自己的密码。") % {"user": person}
    )
    return redirect("org:user", pk=pk)

"""What every app's views share about the person asking: who they are (typed), whether they
hold a role, and where a form may send them next. One home, so each rule is written once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from civicdesk.org.models import Role, User

View = Callable[..., HttpResponse]


def current_user(request: HttpRequest) -> User:
    """The signed-in staff member. For views behind login_required (or a check like it):
    Django types request.user as the abstract user or AnonymousUser, this project's is User."""
    user = request.user
    if not isinstance(user, User):
        # An anonymous visitor reached a view that forgot login_required: refuse, don't crash.
        raise PermissionDenied(_("请先登录。"))
    return user


def require_role(user: User, roles: Iterable[str], message: str | None = None) -> None:
    """PermissionDenied (403) unless `user` holds one of `roles` in some unit."""
    if not user.roles & set(roles):
        raise PermissionDenied(message or _("您没有查看此页面的权限。"))


def role_required(*roles: str, message: str | None = None) -> Callable[[View], View]:
    """A view decorator: signed in (else to the login page) and holding one of `roles`."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require_role(current_user(request), roles, message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


# Signed in and holding the admin role in some unit; 403 otherwise.
admin_required: Callable[[View], View] = role_required(Role.ADMIN)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` the form carries (POST, then GET) when it is a path on this site, else
    `fallback`: a link elsewhere ("//evil", "https://evil", "javascript:") is never followed."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt.startswith("/") and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return fallback

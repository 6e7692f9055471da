"""The sign-in lockout on top of django-axes: one limit per account, a higher one per client
address (many operators of one call center share an address), and the page a locked-out
person sees, in their language."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class LoginAttempts(AxesDatabaseHandler):
    """Counts as axes does (AXES_LOCKOUT_PARAMETERS = username, then ip_address), but the
    address is measured against CIVICDESK_LOGIN_ADDRESS_FAILURES instead of the account limit."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        per_account, per_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = int(settings.AXES_FAILURE_LIMIT)
        address_limit = int(settings.CIVICDESK_LOGIN_ADDRESS_FAILURES)
        # Scaled so that the result reaches `limit` exactly when the address reaches its own limit.
        return max(per_account, per_address * limit // address_limit)


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The sign-in page again, saying why and for how long (429), for /login/ and /admin/login/."""
    form = AuthenticationForm(request, data={"username": (credentials or {}).get("username", "")})
    message = _("登录失败次数过多，已暂时锁定。请 %(minutes)s 分钟后再试，或请系统管理员解除锁定。") % {
        "minutes": lockout_minutes()
    }
    return render(request, "console/login.html", {"form": form, "locked": message, "next": ""}, status=429)

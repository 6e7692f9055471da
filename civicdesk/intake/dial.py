"""Click-to-dial: a person calls a citizen back from a list (the callback queue, the missed
calls, the caller's history).

Every number in those lists is a `tel:` link, which a softphone installed on the desk opens.
Where the center's telephony system (CTI) takes dial requests, CIVICDESK_CTI_DIAL_URL names
it: the page then also shows 拨打, and the server posts the request on the person's behalf —
JSON {"phone", "agent", "order", "call_id"}, with CIVICDESK_CTI_DIAL_TOKEN as a bearer
token when set — so the desk phone rings the citizen. Each request is kept (DialRequest:
who, which number, for which order or call, and what the CTI answered), and a CTI that
cannot be reached is said in words, with the number to dial by hand.

The number is never taken from the browser when it belongs to an order or a call: the
server reads it from the record after checking that the person may see it.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.intake.calls import CALL_ROLES, missed_calls
from civicdesk.intake.models import Call, DialOutcome, DialRequest
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import visible_orders
from civicdesk.orders.privacy import knows_caller
from civicdesk.org.models import Role, User
from civicdesk.org.web import current_user, safe_next

# Who may ask the CTI to dial: the people whose lists carry the numbers.
DIAL_ROLES = (*CALL_ROLES, Role.CALLBACK_AGENT)
_PHONE = re.compile(r"^\+?[0-9]{3,20}$")


def cti_dial_url() -> str:
    return str(getattr(settings, "CIVICDESK_CTI_DIAL_URL", "") or "")


@dataclass(frozen=True)
class Target:
    phone: str
    order: WorkOrder | None = None
    call: Call | None = None


def send_dial(*, user: User, target: Target) -> DialRequest:
    """Ask the CTI to dial `target.phone` for `user`, and keep the request and its outcome."""
    url = cti_dial_url()
    body = {
        "phone": target.phone,
        "agent": user.get_username(),
        "order": target.order.number if target.order else "",
        "call_id": target.call.call_id if target.call else "",
    }
    headers = {"Content-Type": "application/json"}
    token = str(getattr(settings, "CIVICDESK_CTI_DIAL_TOKEN", "") or "")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    outcome, detail = DialOutcome.FAILED, ""
    try:
        if not url.lower().startswith(("http://", "https://")):
            raise ValueError(_("CIVICDESK_CTI_DIAL_URL 须以 http:// 或 https:// 开头"))
        data = json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 (http(s) only, above)
        timeout = float(getattr(settings, "CIVICDESK_CTI_TIMEOUT", 5))
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only, above)
            outcome, detail = DialOutcome.SENT, f"HTTP {response.status}"
    except urllib.error.HTTPError as error:
        detail = f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        detail = str(reason)[:200] or type(error).__name__
    return DialRequest.objects.create(
        user=user, phone=target.phone, order=target.order, call=target.call, outcome=outcome, detail=detail[:255]
    )


def _target(user: User, data: dict[str, str]) -> Target:
    """The number to dial, read from the order or call it belongs to (after checking the
    person may see it), or typed on the intake page by an operator."""
    number = (data.get("order") or "").strip()
    if number:
        order = visible_orders(user).filter(number=number).first()
        if order is None:
            raise Http404(_("找不到这张工单。"))
        if not knows_caller(user, order) or not order.citizen_phone:
            raise PermissionDenied(_("您不能查看这张工单来电人的电话。"))
        return Target(phone=order.citizen_phone, order=order)
    call_pk = (data.get("call") or "").strip()
    if call_pk:
        if not user.units_with_role(*CALL_ROLES):
            raise PermissionDenied(_("您没有查看来电的权限。"))
        call = missed_calls(user).filter(pk=int(call_pk) if call_pk.isdigit() else 0).first()
        if call is None:
            raise Http404(_("没有这个未接来电，或已处理。"))
        return Target(phone=call.phone, call=call)
    phone = re.sub(r"[\s-]", "", data.get("phone") or "")
    if not user.units_with_role(*CALL_ROLES):
        raise PermissionDenied(_("您没有查看来电的权限。"))
    if not _PHONE.fullmatch(phone):
        raise Http404(_("电话号码不正确。"))
    return Target(phone=phone)


@login_required
@require_POST
def dial(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.units_with_role(*DIAL_ROLES):
        raise PermissionDenied(_("您没有拨打电话的权限。"))
    if not cti_dial_url():
        raise Http404(_("本中心没有接入软电话平台，请点号码或手工拨打。"))
    target = _target(user, request.POST.dict())
    sent = send_dial(user=user, target=target)
    if sent.outcome == DialOutcome.SENT:
        messages.success(request, _("已请软电话拨打 %(phone)s，请接起话机。") % {"phone": target.phone})
    else:
        failed = _("软电话平台没有响应（%(detail)s），请手工拨打 %(phone)s。")
        messages.error(request, failed % {"detail": sent.detail, "phone": target.phone})
    return redirect(safe_next(request, "/"))

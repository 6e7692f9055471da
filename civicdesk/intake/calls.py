"""Call events from the softphones, the missed calls waiting for a call back, and the link
from an order to the call it was taken on.

A call's state follows its events, whatever order they arrive in: answered once answered,
completed when hung up after an answer, missed when it ended without one. Each kind of
event is kept once per call, so a softphone that retries a post changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.intake.models import REPEATABLE_KINDS, Call, CallEvent, CallEventKind, CallState
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.errors import PermissionDenied as ActionDenied
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.web import current_user

CALL_ROLES = (Role.OPERATOR, Role.DISPATCHER)
_CALL_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,64}$")
_PHONE = re.compile(r"^\+?[0-9]{3,20}$")
_RECORDING_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,128}$")
QUEUE_MAX = 40  # Call.queue's length


def _hub_of(user: User) -> OrgUnit | None:
    for unit in user.units_with_role(*CALL_ROLES) if user.is_active else []:
        hub = unit.hub()
        if hub is not None:
            return hub
    return None


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: message})


@dataclass(frozen=True)
class Recorded:
    call: Call
    created: bool  # False: this event had been recorded already (a retry)


def _agent(hub: OrgUnit, poster: User, username: str) -> User | None:
    if not username:
        # A person's softphone posts for itself; a system account names the agent or nobody.
        return poster if poster.units_with_role(*CALL_ROLES) and poster.has_usable_password() else None
    agent = User.objects.filter(username=username, is_active=True).first()
    if agent is None or not any(unit.path.startswith(hub.path) for unit in agent.units_with_role(*CALL_ROLES)):
        raise _invalid("agent", _("话务员 %(name)s 不存在或不属于本中心。") % {"name": username})
    return agent


def record_event(
    *,
    poster: User,
    call_id: str,
    kind: str,
    phone: str,
    at: datetime | None = None,
    agent: str = "",
    extension: str = "",
    queue: str = "",
    recording_id: str = "",
    leg: int | None = None,
) -> Recorded:
    """Record one event of a call for the hub of the posting user (an operator or dispatcher,
    or the telephony system's account holding that role).

    `queue` names the queue (skill group) the call waits in, `recording_id` the recording
    server's id of its recording (sent with any event, usually the hang-up), and `leg` tells
    a call's transfers apart (1, 2, …; a transfer without one is the first)."""
    hub = _hub_of(poster)
    if hub is None:
        raise ActionDenied(_("您没有上报来电事件的权限。"))
    call_id, phone, extension = call_id.strip(), re.sub(r"[\s-]", "", phone or ""), extension.strip()[:20]
    if not _CALL_ID.match(call_id):
        raise _invalid("call_id", _("呼叫编号须为 1–64 个字母、数字或 . _ : @ - 字符。"))
    if kind not in CallEventKind.values:
        raise _invalid("event", _("事件须为 queued、ringing、answered、transferred、hung_up 或 missed。"))
    if not _PHONE.match(phone):
        raise _invalid("phone", _("来电号码格式不正确。"))
    queue, recording_id = (queue or "").strip(), (recording_id or "").strip()
    if len(queue) > QUEUE_MAX:
        raise _invalid("queue", _("队列名称最多 %(n)s 个字符。") % {"n": QUEUE_MAX})
    if recording_id and not _RECORDING_ID.match(recording_id):
        raise _invalid("recording_id", _("录音编号须为 1–128 个字母、数字或 . _ : @ - 字符。"))
    if kind in REPEATABLE_KINDS:
        leg = leg or 1
    elif leg:
        raise _invalid("leg", _("只有转接事件带序号（leg）。"))
    else:
        leg = 0
    moment = at or timezone.now()
    person = _agent(hub, poster, agent.strip())
    with transaction.atomic():
        call, _created = Call.objects.get_or_create(
            call_id=call_id, defaults={"phone": phone, "hub": hub, "started_at": moment}
        )
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.hub_id != hub.pk or call.phone != phone:
            raise _invalid("call_id", _("呼叫编号 %(id)s 已用于另一个来电。") % {"id": call_id})
        try:
            with transaction.atomic():
                CallEvent.objects.create(
                    call=call,
                    kind=kind,
                    at=moment,
                    agent=person,
                    extension=extension,
                    posted_by=poster,
                    leg=leg,
                    queue=queue,
                    recording_id=recording_id,
                )
        except IntegrityError:
            return Recorded(call, False)
        _apply(call, kind, moment, person, extension, queue, recording_id)
    return Recorded(call, True)


def _apply(
    call: Call, kind: str, at: datetime, agent: User | None, extension: str, queue: str, recording_id: str
) -> None:
    if kind == CallEventKind.TRANSFERRED:
        # The call stays with the agent who answered it; the transfer names who took it over.
        call.transfer_count = call.events.filter(kind=CallEventKind.TRANSFERRED).count()
        if agent is not None:
            call.transferred_to = agent
    elif agent is not None and (call.agent_id is None or kind == CallEventKind.ANSWERED):
        call.agent = agent
    if extension and kind != CallEventKind.TRANSFERRED and (not call.extension or kind == CallEventKind.ANSWERED):
        call.extension = extension
    if queue and not call.queue:
        call.queue = queue  # the queue it first waited in; a transfer to another queue keeps it
    if recording_id:
        call.recording_id = recording_id
    call.started_at = min(call.started_at, at)
    if kind == CallEventKind.ANSWERED:
        call.answered_at = at
        call.state = CallState.COMPLETED if call.ended_at else CallState.ANSWERED
    elif kind in (CallEventKind.HUNG_UP, CallEventKind.MISSED):
        call.ended_at = max(call.ended_at, at) if call.ended_at else at
        answered = call.answered_at is not None and kind != CallEventKind.MISSED
        call.state = CallState.COMPLETED if answered else CallState.MISSED
    set_durations(call)
    call.changed_at = timezone.now()
    call.save()


def _seconds(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds()))


def set_durations(call: Call) -> None:
    """The call's wait (arrival to answer, or to hang-up when unanswered) and talk (answer to
    hang-up) in whole seconds, as the call measures count them; None while unknown."""
    waited_until = call.answered_at or call.ended_at
    call.wait_seconds = _seconds(call.started_at, waited_until) if waited_until else None
    call.talk_seconds = (
        _seconds(call.answered_at, call.ended_at) if call.answered_at is not None and call.ended_at else None
    )


def missed_calls(user: User) -> QuerySet[Call]:
    """Missed calls of the user's hub nobody has called back yet, and after which the same
    number did not get through (an answered call later settles it)."""
    hub = _hub_of(user)
    if hub is None:
        return Call.objects.none()
    later_answered = Call.objects.filter(
        phone=OuterRef("phone"), answered_at__isnull=False, started_at__gt=OuterRef("started_at")
    )
    return (
        Call.objects.filter(hub__path__startswith=hub.path, state=CallState.MISSED, called_back_at__isnull=True)
        .filter(~Exists(later_answered))
        .select_related("agent")
        .order_by("-started_at")
    )


def link_order(call_id: str, order: WorkOrder, user: User) -> Call | None:
    """Link an order taken from a screen-pop to its call (a call of the operator's hub)."""
    call_id = (call_id or "").strip()
    hub = _hub_of(user)
    if not call_id or hub is None:
        return None
    call = Call.objects.filter(call_id=call_id, hub__path__startswith=hub.path).first()
    if call is None:
        return None
    if call.order_id is None:
        Call.objects.filter(pk=call.pk, order__isnull=True).update(order=order)
        call.order = order
    return call


def order_of_call(call_id: str, user: User) -> WorkOrder | None:
    """The order already taken on this call of the operator's hub, if any."""
    call_id = (call_id or "").strip()
    hub = _hub_of(user)
    if not call_id or hub is None:
        return None
    call = Call.objects.filter(call_id=call_id, hub__path__startswith=hub.path).select_related("order").first()
    return call.order if call is not None else None


# ---------------------------------------------------------------- pages


def _require_calls(user: User) -> OrgUnit:
    hub = _hub_of(user)
    if hub is None:
        raise PermissionDenied(_("您没有查看来电的权限。"))
    return hub


@login_required
def missed_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _require_calls(user)
    calls = list(missed_calls(user)[:200])
    counts = dict(
        Call.objects.filter(phone__in={c.phone for c in calls}, state=CallState.MISSED, called_back_at__isnull=True)
        .values("phone")
        .annotate(n=Count("pk"))
        .values_list("phone", "n")
    )
    rows = [{"call": c, "times": counts.get(c.phone, 1)} for c in calls]
    return render(request, "intake/missed_calls.html", {"rows": rows})


@login_required
@require_POST
def called_back(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    _require_calls(user)
    call = missed_calls(user).filter(pk=pk).first()
    if call is None:
        raise Http404(_("没有这个未接来电，或已处理。"))
    # Every missed call of this number is settled by one call back.
    now = timezone.now()
    Call.objects.filter(
        Q(pk=call.pk) | Q(phone=call.phone, hub=call.hub, state=CallState.MISSED, called_back_at__isnull=True)
    ).update(called_back_at=now, called_back_by=user, changed_at=now)
    messages.success(request, _("已记录回拨 %(phone)s。") % {"phone": call.phone})
    return redirect("intake:missed_calls")

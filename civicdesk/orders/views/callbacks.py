"""The callback queue (回访) the hub's callback agents work through: the script to read, the
answers to record, or closing an order whose caller cannot be reached.

Every change goes through an action; the move forms are the order page's (ACTION_FORMS)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from civicdesk.lib.paging import CappedPaginator
from civicdesk.lib.reversing import number_url
from civicdesk.orders import deadlines, queues
from civicdesk.orders.forms import ACTION_FORMS
from civicdesk.orders.models import Assignment, AssignmentRole, WorkOrder
from civicdesk.orders.permissions import can, visible_order
from civicdesk.orders.views.common import PAGE_SIZE, countdown
from civicdesk.orders.workflow import State
from civicdesk.org.models import Role, User
from civicdesk.org.tree import unit_tree
from civicdesk.org.web import current_user, require_role
from civicdesk.worktime.limits import work_calendar
from civicdesk.worktime.models import Stage


def _greeting_name(order: WorkOrder) -> str:
    name = order.citizen_name.strip()
    return name or _("来电人")


def callback_script(order: WorkOrder, agent: User) -> list[str]:
    """What the callback agent reads, paragraph by paragraph (回访话术)."""
    created = timezone.localtime(order.created_at)
    unit = order.lead_unit.name if order.lead_unit else _("承办单位")
    content = order.content.strip()
    if len(content) > 120:
        content = content[:120] + "……"
    # Staff names sometimes carry the title already ("回访员小赵"); say it once.
    agent_name = str(agent).removeprefix("回访员").strip() or str(agent)
    lines = [
        _("您好！这里是%(hub)s 12345 政务服务便民热线，我是回访员%(agent)s。请问是%(name)s吗？")
        % {"hub": order.hub.name, "agent": agent_name, "name": _greeting_name(order)},
        _("您在 %(date)s 反映的问题（工单号 %(number)s），我们做个回访，耽误您一两分钟。")
        % {"date": date_format(created, "DATE_FORMAT"), "number": order.number},
        _("您反映的是：%(title)s。%(content)s") % {"title": order.title, "content": content},
        _("%(unit)s 的答复是：%(reply)s") % {"unit": unit, "reply": order.reply_text or _("（无答复内容）")},
        _("请问您反映的问题解决了吗？是已解决、部分解决，还是未解决？"),
        _("您对这次办理结果满意吗？是满意、基本满意，还是不满意？"),
        _("感谢您对 12345 热线工作的支持，再见！"),
    ]
    return lines


@login_required
def callbacks(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_role(user, (Role.CALLBACK_AGENT,))
    # The category for its time limit; the lead unit's name from the process's copy of the tree.
    orders = queues.callback_queue(user).select_related("category")
    # Counted up to the cap ("1,000+"), as the agent's home panel does: a large center's queue
    # holds tens of thousands (17,300 on the ten-million-order benchmark: 69 ms to count them all,
    # issue #20), and the agent works from the first by due time.
    page = CappedPaginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    calendar = work_calendar()
    units = unit_tree().by_pk
    rows = []
    for order in page:
        limit_unit = deadlines.limit(order, Stage.CALLBACK).unit
        overdue = order.callback_due_at is not None and order.callback_due_at < now
        lead = units.get(order.lead_unit_id) if order.lead_unit_id else None
        rows.append(
            {
                "order": order,
                "overdue": overdue,
                "countdown": countdown(order.callback_due_at, now, limit_unit, calendar),
                "unit": lead.name if lead is not None else "",
                "detail_url": number_url("orders:detail", order.number),
                "callback_url": number_url("orders:callback", order.number),
            }
        )
    return render(request, "orders/unit/callbacks.html", {"page": page, "rows": rows})


@login_required
def callback(request: HttpRequest, number: str) -> HttpResponse:
    """One order's callback: the script, the answers, or closing it when unreachable."""
    user = current_user(request)
    require_role(user, (Role.CALLBACK_AGENT,))
    order = visible_order(user, number)
    if order.state != State.AWAITING_CALLBACK or not can(user, order, "record_callback"):
        messages.info(
            request,
            _("工单 %(number)s 当前状态为“%(state)s”，无需回访。")
            % {"number": number, "state": order.get_state_display()},
        )
        return redirect("orders:callbacks")
    now = timezone.now()
    record_form = ACTION_FORMS["record_callback"].form(
        order=order, initial={"version": order.version}, prefix="record_callback"
    )
    close_form = ACTION_FORMS["close_without_callback"].form(
        order=order,
        initial={"version": order.version, "reason": _("多次致电均无法联系到来电人。")},
        prefix="close_without_callback",
    )
    context: dict[str, Any] = {
        "order": order,
        "script": callback_script(order, user),
        "record_form": record_form,
        "close_form": close_form,
        "can_close": can(user, order, "close_without_callback"),
        "next": reverse("orders:callbacks"),
        "countdown": countdown(
            order.callback_due_at, now, deadlines.limit(order, Stage.CALLBACK).unit, work_calendar()
        ),
        "parts": Assignment.objects.filter(
            order=order, role=AssignmentRole.ASSIST, part_given_at__isnull=False
        ).select_related("unit"),
        "attachments": order.attachments.order_by("uploaded_at"),
    }
    return render(request, "orders/unit/callback.html", context)

"""Both ends of the link, talking real HTTP through a live server: the prefecture's remote hub
points at this server, and so does the county's platform, so each message goes out through
the outbox, over loopback, into the other side's door (one database holds both sides' orders:
the prefecture's, and the county's copy of it). What the prefecture does to an order the
county holds reaches the county's copy as the same move; the county's extension approved
upstairs comes down with the new deadline; the prefecture's callback (when the hub pair leaves
it the callback) closes the county's copy; nothing echoes back.
(tests/linked runs the same link between two separate installations.)"""

from __future__ import annotations

from typing import Any

import pytest

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders import actions, queues
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.org.models import CallbackBy, HubLink, OrgUnit, Role, UnitKind, User
from civicdesk.upstream.models import Arrival, RemoteHub, UpstreamPlatform
from tests.world import World

PLATFORM = "weihai"
REMOTE = "rc-remote"


class Link:
    def __init__(self, w: World, url: str) -> None:
        self.w = w
        self.prefecture = OrgUnit.objects.create(name="威海市12345", code="wh", kind=UnitKind.CENTER, is_hub=True)
        self.remote = OrgUnit.objects.create(
            name="荣成市中心（独立系统）",
            code=REMOTE,
            kind=UnitKind.CENTER,
            parent=self.prefecture,
            is_hub=True,
            remote=True,
        )
        self.operator = w.person("wh_operator", "威海话务员", (self.prefecture, Role.OPERATOR))
        self.dispatcher = w.person("wh_dispatcher", "威海派单员", (self.prefecture, Role.DISPATCHER))
        self.supervisor = w.person("wh_supervisor", "威海督办员", (self.prefecture, Role.SUPERVISOR))
        # The county (the world's hub) has the prefecture as its upstream platform.
        self.platform = UpstreamPlatform.objects.create(
            code=PLATFORM,
            name="威海市12345",
            hub=w.hub,
            arrival=Arrival.PUSH,
            report_url=f"{url}/upstream/hubs/{REMOTE}/reports/",
            auth_value="Bearer report-token",
            margin_hours=2,
        )
        RemoteHub.objects.create(
            unit=self.remote,
            base_url=url,
            platform_code=PLATFORM,
            api_key=self.platform.inbound_token,
            report_token="report-token",
        )

    def handed_and_signed(self) -> tuple[WorkOrder, WorkOrder]:
        """(the prefecture's order, the county's copy): handed down, dispatched and signed for
        at the county, its reports back upstairs."""
        order = self.w.new_order(actor=self.operator, hub=self.prefecture)
        order = actions.send_to_hub(order, actor=self.operator)
        order = actions.hand_down(order, actor=self.dispatcher, lower_hub=self.remote, note="属地办理")
        settle()
        copy = WorkOrder.objects.get(upstream_platform=PLATFORM, upstream_id=order.number)
        copy = actions.dispatch(copy, actor=self.w.dispatcher, lead_unit=self.w.dept_a)
        copy = actions.sign_for(copy, actor=self.w.handler_a)
        settle()
        order.refresh_from_db()
        assert order.state == "signed"
        return order, copy


def settle() -> None:
    """The worker's rounds, until nothing is left to send either way."""
    for _round in range(6):
        if not deliver_outbox():
            return


@pytest.fixture
def link(w: World, live_server: Any) -> Link:
    return Link(w, live_server.url)


def _told(order: WorkOrder, action: str) -> set[User]:
    event = OrderEvent.objects.filter(order=order, action=action).latest("seq")
    return {m.user for m in OutboxMessage.objects.filter(event=event, medium=Medium.INBOX).select_related("user")}


def test_what_the_prefecture_does_reaches_the_countys_copy_once(link: Link) -> None:
    order, copy = link.handed_and_signed()

    order = actions.urge(order, actor=link.operator, note="来电人再次催促")
    order = actions.supplement(order, actor=link.operator, text="来电人补充：护栏在栈道北段。")
    order = actions.supervise(order, actor=link.supervisor, note="请三日内修复")
    settle()
    settle()

    copy.refresh_from_db()
    assert copy.urge_count == 1 and copy.supervision_level == 1
    notes = dict(OrderEvent.objects.filter(order=copy, actor=None).values_list("action", "note"))
    assert notes["urge"] == "来电人再次催促" and notes["supplement"] == "来电人补充：护栏在栈道北段。"
    assert notes["supervise"] == "请三日内修复"
    assert link.w.handler_a in _told(copy, "supervise")

    actions.void(order, actor=link.dispatcher, reason="与另一工单重复")
    settle()

    copy.refresh_from_db()
    assert copy.state == "void" and link.w.handler_a in _told(copy, "void")
    # Nothing came back up about it: the prefecture's order has only the county's own steps.
    order.refresh_from_db()
    kinds = list(
        OrderEvent.objects.filter(order=order, action__in=["remote_progress", "remote_late_report"]).values_list(
            "data__kind", flat=True
        )
    )
    assert kinds == ["accepted", "signed"] and order.state == "void"
    sent = OutboxMessage.objects.filter(medium=Medium.UPSTREAM)
    assert not sent.exclude(status="sent").exists()


def test_the_countys_extension_approved_upstairs_brings_the_new_deadline_down(link: Link) -> None:
    order, copy = link.handed_and_signed()
    assert copy.upstream_due_at is not None and order.upper_due_at == copy.upstream_due_at
    copy = actions.request_extension(copy, actor=link.w.handler_a, days=3, reason="需等待施工队进场")
    assert copy.awaiting_upper  # past what the prefecture's deadline leaves it
    settle()
    order.refresh_from_db()
    assert order.state == "extension_requested"

    order = actions.approve_extension(order, actor=link.dispatcher, days=3)
    settle()

    copy.refresh_from_db()
    assert order.upper_due_at is not None
    assert copy.state == "signed" and copy.upstream_due_at == order.upper_due_at
    assert copy.handle_due_at is not None and copy.handle_due_at <= order.upper_due_at


def test_when_the_prefecture_calls_back_its_callback_closes_the_countys_copy(link: Link) -> None:
    HubLink.objects.create(upper=link.prefecture, lower=link.remote, callback_by=CallbackBy.UPPER)
    agent = link.w.person("wh_callback", "威海回访员", (link.prefecture, Role.CALLBACK_AGENT))
    order, copy = link.handed_and_signed()
    copy = actions.reply(copy, actor=link.w.handler_a, result="solved", text="已更换松动护栏 12 处。")
    copy = actions.accept_reply(copy, actor=link.w.dispatcher)
    assert copy not in queues.callback_queue(link.w.callback_agent)
    settle()

    order.refresh_from_db()
    assert order.state == "awaiting_callback" and order in queues.callback_queue(agent)
    actions.record_callback(order, actor=agent, solved="solved", satisfaction="satisfied", comment="满意")
    settle()

    copy.refresh_from_db()
    order.refresh_from_db()
    assert copy.state == "closed" and copy.callback_satisfaction == "satisfied"
    assert order.state == "closed" and order.reply_text == "已更换松动护栏 12 处。"
    assert not OutboxMessage.objects.filter(medium=Medium.UPSTREAM).exclude(status="sent").exists()

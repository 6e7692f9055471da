"""The joint page: every unit on the order sees every part's progress and text; the lead is
told when the last part is in; each unit's parts count for its own score."""

from __future__ import annotations

import time_machine

from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.joint import unit_part_figures
from tests.console.helpers import client_for, text
from tests.worktime.helpers import at
from tests.world import World

MONDAY = at(2026, 3, 9, 9)


def _joint(w: World) -> object:
    with time_machine.travel(MONDAY, tick=False):
        order = actions.dispatch(
            w.new_order(), actor=w.dispatcher, lead_unit=w.dept_a, assisting_units=[w.dept_b, w.dept_c], part_days=2
        )
        return actions.sign_for(order, actor=w.handler_a)


def _row(page: str, unit: str) -> str:
    start = page.index(f'data-unit="{unit}"')
    return page[start : page.index("</tr>", start)]


def test_every_unit_sees_the_others_progress_and_overdue_parts(w: World) -> None:
    order = _joint(w)
    with time_machine.travel(at(2026, 3, 10, 10), tick=False):
        order = actions.give_part(order, actor=w.handler_b, text="经核查，该路段无占道经营。")
    with time_machine.travel(at(2026, 3, 12, 10), tick=False):  # dept_c's part was due 03-11 09:00
        pages = {
            user.username: client_for(user).get(f"/orders/{order.number}/joint/")
            for user in (w.handler_a, w.handler_b, w.handler_c)
        }

    assert {name: r.status_code for name, r in pages.items()} == {"handler_a": 200, "handler_b": 200, "handler_c": 200}
    page = text(pages["handler_c"])
    assert "已按时提交" in _row(page, "市市场监督管理局") and "经核查，该路段无占道经营。" in page
    assert "超期未提交" in _row(page, "市生态环境分局")
    assert "已提交 1 个，待提交 1 个，其中超期 1 个" in page
    order_page = text(client_for(w.handler_a).get(f"/orders/{order.number}/"))
    assert f'href="/orders/{order.number}/joint/"' in order_page


def test_others_get_a_404(w: World) -> None:
    order = _joint(w)
    assert client_for(w.town_handler).get(f"/orders/{order.number}/joint/").status_code == 404


def test_the_lead_is_told_when_all_parts_are_in(w: World) -> None:
    order = _joint(w)
    order = actions.give_part(order, actor=w.handler_b, text="无占道经营。")
    first = order.events.last()
    order = actions.give_part(order, actor=w.handler_c, text="无环境问题。")
    last = order.events.last()

    def lead_text(event: object) -> str:
        return OutboxMessage.objects.get(event=event, user=w.handler_a, medium=Medium.INBOX).text

    assert "协办意见已全部提交，可以答复" in lead_text(last)
    assert "协办意见已全部提交" not in lead_text(first)


def test_each_units_parts_count_for_that_unit(w: World) -> None:
    order = _joint(w)
    with time_machine.travel(at(2026, 3, 10, 10), tick=False):
        actions.give_part(order, actor=w.handler_b, text="按时。")
    with time_machine.travel(at(2026, 3, 13, 10), tick=False):
        actions.give_part(order, actor=w.handler_c, text="晚了。")
        figures = {f.unit_name: (f.assigned, f.given, f.on_time) for f in unit_part_figures()}

    assert figures == {"市市场监督管理局": (1, 1, 1), "市生态环境分局": (1, 1, 0)}
    assert "市住房和城乡建设局" not in figures  # the lead's own work is not a part

"""The 虚假答复 deduction on 月度通报's page opens the 虚假答复次数 drill-down of its unit and
month: the orders whose reply a callback found untrue, each once however often it was reworked,
not another unit's nor another month's."""

from __future__ import annotations

import re
from html import unescape

from django.test import Client, override_settings

from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit, User
from civicdesk.statistics import rollups
from civicdesk.statistics.assessment import deduction_rules
from tests.statistics.helpers import at, t
from tests.world import World

AS_OF = t(1, 9, month=4)


def _reworked(w: World, unit: OrgUnit, handler: User, times: int = 1) -> WorkOrder:
    order = actions.sign_for(actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=unit), actor=handler)
    order = actions.reply(order, actor=handler, result="solved", text="已处理完毕并告知来电人。")
    order = actions.accept_reply(order, actor=w.dispatcher)
    for _ in range(times):
        order = actions.record_callback(
            order, actor=w.callback_agent, solved="unsolved", satisfaction="unsatisfied", rework=True
        )
        order = actions.reply(order, actor=handler, result="solved", text="已重新组织人员现场处理。")
        order = actions.accept_reply(order, actor=w.dispatcher)
    return actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied")


def _cells(html: str, unit: OrgUnit) -> list[str]:
    row = re.search(rf'<tr data-unit="{unit.pk}".*?</tr>', html, re.S)
    assert row is not None, unit.name
    return re.findall(r"<td>(.*?)</td>", row[0], re.S)


@override_settings(CIVICDESK_RANKING_MIN_VOLUME=2)
def test_the_false_reply_deduction_opens_the_list_of_its_orders(w: World) -> None:
    with at(t(2)):
        twice = _reworked(w, w.dept_b, w.handler_b, times=2)
        once = _reworked(w, w.dept_b, w.handler_b)
        _reworked(w, w.dept_b, w.handler_b, times=0)
        elsewhere = _reworked(w, w.dept_a, w.handler_a)
        _reworked(w, w.dept_a, w.handler_a, times=0)
    with at(t(2, month=4)):
        april = _reworked(w, w.dept_b, w.handler_b)
    client = Client()
    client.force_login(w.leader)
    with at(AS_OF):
        rollups.run_rollup_sweep()
        html = client.get(f"/stats/assessment/?hub={w.hub.pk}&month=2026-03").content.decode()
    # The deductions' cells follow the rank, name, volume, three parts and the weighted score.
    rule = [r.code for r in deduction_rules()].index("false_reply")
    cell = _cells(html, w.dept_b)[7 + rule]
    link = re.search(r'<a href="([^"]+)">(\d+)</a>', cell)
    assert link is not None and link[2] == "3", cell  # three rework callbacks
    with at(AS_OF):
        listed = client.get(unescape(link[1]))
    assert listed.status_code == 200
    page = listed.content.decode()
    assert "虚假答复次数" in page  # the measure's own drill-down (with its definition and export)
    numbers = set(re.findall(r'href="/orders/(\d+)/"', page))
    assert numbers == {twice.number, once.number}
    assert re.search(r'id="drill-count">2<', page)
    assert elsewhere.number not in page and april.number not in page

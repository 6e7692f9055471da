"""月度通报 on a made-up March: the weighted ranking, deductions by rule, bureaus and towns
ranked apart, the red and black lists with a minimum volume, and the links to the orders."""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path

import pytest
from django.test import Client, override_settings
from openpyxl import load_workbook

from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit, Role, UnitKind, User
from civicdesk.statistics import rollups
from civicdesk.statistics.assessment import DEFAULT_DEDUCTIONS, Assessment, RuleError, assess, deduction_rules
from civicdesk.statistics.briefings import render_html, run_briefings
from civicdesk.statistics.models import Briefing
from tests.statistics.helpers import at, t
from tests.world import World

AS_OF = t(1, 9, month=4)


def _through(
    w: World,
    unit: OrgUnit,
    handler: User,
    *,
    satisfaction: str = "satisfied",
    false_reply: bool = False,
    reply: bool = True,
) -> WorkOrder:
    order = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=unit)
    order = actions.sign_for(order, actor=handler)
    if not reply:
        return order
    order = actions.reply(order, actor=handler, result="solved", text="已处理完毕并告知来电人。")
    order = actions.accept_reply(order, actor=w.dispatcher)
    if false_reply:
        # The citizen says nothing was done; the hub finds the reply untrue and orders rework.
        order = actions.record_callback(
            order, actor=w.callback_agent, solved="unsolved", satisfaction="unsatisfied", rework=True
        )
        order = actions.reply(order, actor=handler, result="solved", text="已重新组织人员现场处理。")
        order = actions.accept_reply(order, actor=w.dispatcher)
    solved = "solved" if satisfaction != "unsatisfied" else "partly"
    return actions.record_callback(order, actor=w.callback_agent, solved=solved, satisfaction=satisfaction)


@pytest.fixture
def march(w: World) -> dict[str, object]:
    town2 = OrgUnit.objects.create(name="石岛管理区", code="rc-sd", kind=UnitKind.TOWN, parent=w.hub)
    town2_handler = w.person("town2_handler", "石岛承办人", (town2, Role.HANDLER))
    made: dict[str, object] = {"town2": town2}
    with at(t(2, 9)):
        for _ in range(3):
            _through(w, w.dept_a, w.handler_a)
        _through(w, w.dept_b, w.handler_b)
        _through(w, w.dept_b, w.handler_b)
        made["false_reply"] = _through(w, w.dept_b, w.handler_b, false_reply=True)
        _through(w, w.dept_c, w.handler_c)  # one order: under the minimum volume
        _through(w, w.town, w.town_handler)
        made["overdue"] = _through(w, w.town, w.town_handler, reply=False)
        _through(w, town2, town2_handler)
        _through(w, town2, town2_handler, satisfaction="unsatisfied")
    with at(t(2, 9, month=4)):
        # April's false reply belongs to April's report.
        _through(w, w.dept_a, w.handler_a, false_reply=True)
    return made


def _report(**kwargs: object) -> Assessment:
    with override_settings(CIVICDESK_RANKING_MIN_VOLUME=2, CIVICDESK_ASSESSMENT_BOARD_SIZE=1):
        return assess(OrgUnit.objects.get(code="rc-hub"), "2026-03", as_of=AS_OF, **kwargs)  # type: ignore[arg-type]


def test_it_ranks_bureaus_and_towns_apart_with_deductions_on_the_weighted_score(
    w: World, march: dict[str, object]
) -> None:
    report = _report()
    groups = {g.code: g for g in report.groups}
    assert list(groups) == ["department", "town"]
    bureaus = [
        (r.rank, r.unit.name, r.volume, r.weighted, r.deducted, r.score, r.grade) for r in groups["department"].rows
    ]
    # 市市场监督管理局: 响应率 3/3, 解决率 3/4, 满意率 3/4 → 30 + 26.25 + 26.25 = 82.5, one false reply −2.
    assert bureaus == [
        (1, "市住房和城乡建设局", 3, 100.0, 0.0, 100.0, "优秀"),
        (2, "市市场监督管理局", 3, 82.5, 2.0, 80.5, "合格"),
    ]
    # 崖头街道: 100, one overdue order −0.5; 石岛管理区: 解决率 1/2 (partly), 满意率 1/2 → 65, no deduction.
    towns = [(r.rank, r.unit.name, r.weighted, r.deducted, r.score) for r in groups["town"].rows]
    assert towns == [(1, "崖头街道办事处", 100.0, 0.5, 99.5), (2, "石岛管理区", 65.0, 0.0, 65.0)]
    overdue = next(d for d in groups["town"].rows[0].deductions if d.rule.code == "overdue")
    assert overdue.order_ids == (march["overdue"].pk,)  # type: ignore[attr-defined]


def test_it_names_red_and_black_lists_only_among_units_with_the_minimum_volume(
    w: World, march: dict[str, object]
) -> None:
    groups = {g.code: g for g in _report().groups}
    assert [r.unit.name for r in groups["department"].red] == ["市住房和城乡建设局"]
    assert [r.unit.name for r in groups["department"].black] == ["市市场监督管理局"]
    assert [r.unit.name for r in groups["town"].red] == ["崖头街道办事处"]
    assert [r.unit.name for r in groups["town"].black] == ["石岛管理区"]
    # One order is not enough to be ranked, praised or blamed: listed apart, with its figures.
    assert [(r.unit.name, r.volume) for r in groups["department"].left_out] == [("市生态环境分局", 1)]


def test_a_deduction_rule_is_data_keyed_on_an_event_action(w: World, march: dict[str, object]) -> None:
    with at(t(3, 9)):
        order = _through(w, w.dept_a, w.handler_a, reply=False)
        order = actions.request_return(order, actor=w.handler_a, reason="该路段属街道管养，不属本单位职责。")
        actions.refuse_return(order, actor=w.dispatcher, reason="经核实属本单位职责。")
    rules = deduction_rules(
        [*DEFAULT_DEDUCTIONS, {"code": "refused_return", "name": "退单被驳回", "action": "refuse_return", "points": 3}]
    )
    rows = {r.unit.name: r for g in _report(rules=rules).groups for r in g.rows}
    refused = next(d for d in rows["市住房和城乡建设局"].deductions if d.rule.code == "refused_return")
    assert (refused.count, refused.points, refused.order_ids) == (1, 3.0, (order.pk,))
    # The refused return, plus the order still unanswered past its deadline (overdue, −0.5).
    assert rows["市住房和城乡建设局"].deducted == 3.5
    assert rows["市住房和城乡建设局"].score == rows["市住房和城乡建设局"].weighted - 3.5


def test_a_broken_rule_is_refused_with_its_name() -> None:
    with pytest.raises(RuleError, match="late"):
        deduction_rules([{"code": "late", "points": 1}])
    with pytest.raises(RuleError, match="not a count measure"):
        deduction_rules([{"code": "x", "measure": "satisfaction", "points": 1}])


def _links(html: str) -> dict[str, str]:
    return {m[1]: unescape(m[0]) for m in re.findall(r'<a href="([^"]+)">([^<]+)</a>', html)}


@override_settings(CIVICDESK_RANKING_MIN_VOLUME=2, CIVICDESK_ASSESSMENT_BOARD_SIZE=1)
def test_every_figure_on_the_page_links_to_the_orders_behind_it(w: World, march: dict[str, object]) -> None:
    client = Client()
    client.force_login(w.leader)
    with at(AS_OF):
        # The page reads the month from the rollups, as the sweep took the orders in.
        rollups.run_rollup_sweep()
        page = client.get(f"/stats/assessment/?hub={w.hub.pk}&month=2026-03")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="red-department"' in html and "市住房和城乡建设局" in html
    row = re.search(rf'<tr data-unit="{w.dept_b.pk}".*?</tr>', html, re.S)
    assert row is not None
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]+)"', row[0])]
    # volume, then each of the three parts (figure, numerator, denominator), then the false reply.
    assert len(hrefs) == 1 + 3 * 3 + 1
    with at(AS_OF):
        false_reply = client.get(hrefs[-1])
        volume = client.get(hrefs[0])
    assert false_reply.status_code == 200
    assert march["false_reply"].number in false_reply.content.decode()  # type: ignore[attr-defined]
    assert volume.content.decode().count("/orders/2026") == 3
    town_row = re.search(rf'<tr data-unit="{w.town.pk}".*?</tr>', html, re.S)
    assert town_row is not None
    overdue_url = unescape(re.findall(r'href="([^"]+)"', town_row[0])[-1])
    with at(AS_OF):
        overdue = client.get(overdue_url).content.decode()
    assert march["overdue"].number in overdue  # type: ignore[attr-defined]
    assert re.search(r'id="drill-count">1<', overdue)


@override_settings(CIVICDESK_RANKING_MIN_VOLUME=2, CIVICDESK_ASSESSMENT_BOARD_SIZE=1)
def test_it_exports_the_report_as_a_workbook_and_is_for_statistics_readers_only(
    w: World, march: dict[str, object]
) -> None:
    client = Client()
    client.force_login(w.handler_a)
    assert client.get(f"/stats/assessment/?hub={w.hub.pk}&month=2026-03").status_code == 403
    # Another center's leader sees their own center's report, not this one.
    other = OrgUnit.objects.create(name="文登区服务中心", code="wd-hub", kind=UnitKind.CENTER, is_hub=True)
    client.force_login(w.person("wd_leader", "文登主任", (other, Role.LEADER)))
    assert client.get(f"/stats/assessment/?hub={w.hub.pk}&month=2026-03").status_code == 403
    assert client.get(f"/stats/assessment/export/?hub={w.hub.pk}&month=2026-03").status_code == 403
    own = client.get("/stats/assessment/?month=2026-03").content.decode()
    assert "文登区服务中心" in own and "市住房和城乡建设局" not in own
    client.force_login(w.leader)
    with at(AS_OF):
        rollups.run_rollup_sweep()
        response = client.get(f"/stats/assessment/export/?hub={w.hub.pk}&month=2026-03")
        bad = client.get(f"/stats/assessment/?hub={w.hub.pk}&month=March")
    assert bad.status_code == 400 and "月份格式应为" in bad.content.decode()
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["部门（委办局）", "镇街"]
    rows = [[c.value for c in r] for r in book["部门（委办局）"].iter_rows()]
    assert rows[2][:2] == ["红榜", "市住房和城乡建设局"]
    header = rows[4]
    table = {r[1]: dict(zip(header, r, strict=True)) for r in rows[5:]}
    assert table["市市场监督管理局"]["月度得分"] == 80.5
    assert table["市市场监督管理局"]["虚假答复（回访核实不实、责令重办）（件）"] == 1
    assert table["市生态环境分局"]["名次"] == "—"


def test_the_monthly_briefing_carries_the_red_and_black_lists(w: World, march: dict[str, object]) -> None:
    with override_settings(CIVICDESK_RANKING_MIN_VOLUME=2, CIVICDESK_ASSESSMENT_BOARD_SIZE=1), at(AS_OF):
        run_briefings()
    doc = Briefing.objects.get(kind="monthly").data
    boards = {g["name"]: g for g in doc["assessment"]["groups"]}
    assert [r["name"] for r in boards["部门（委办局）"]["red"]] == ["市住房和城乡建设局"]
    assert [(r["name"], r["score"]) for r in boards["镇街"]["black"]] == [("石岛管理区", 65.0)]
    html = render_html(doc)
    assert "红榜与黑榜" in html and "市市场监督管理局（80.5）" in html


def test_a_center_writes_its_deduction_rules_in_a_file(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[deduction]]\ncode = "refused_objection"\nname = "退单异议被驳回"\n'
        'action = "reject_objection"\nunit = "data:unit"\npoints = 1.5\n'
        '\n[[deduction]]\ncode = "overdue"\nname = "超期工单"\nmeasure = "overdue"\npoints = 1\ncap = 10\n',
        encoding="utf-8",
    )
    with override_settings(CIVICDESK_ASSESSMENT_RULES_FILE=str(rules)):
        found = deduction_rules()
    assert [(r.code, r.action, r.unit, r.measure, r.points, r.cap) for r in found] == [
        ("refused_objection", "reject_objection", "data:unit", "", 1.5, None),
        ("overdue", "", "lead_unit", "overdue", 1.0, 10.0),
    ]


def test_an_event_rule_can_charge_the_unit_its_data_names(w: World, march: dict[str, object]) -> None:
    # The unit that asked to return an order is named in the event, not the order's lead
    # unit after the return (as the objecting unit is named by the objection's ruling).
    with at(t(3, 9)):
        order = _through(w, w.dept_a, w.handler_a, reply=False)
        order = actions.request_return(order, actor=w.handler_a, reason="该路段属街道管养，不属本单位职责。")
        actions.approve_return(order, actor=w.dispatcher, new_lead_unit=w.dept_c)
    rule = {"code": "asked_return", "name": "申请退单", "action": "request_return", "unit": "data:unit", "points": 1}
    rows = {r.unit.name: r for g in _report(rules=deduction_rules([rule])).groups for r in [*g.rows, *g.left_out]}
    assert rows["市住房和城乡建设局"].deductions[0].order_ids == (order.pk,)
    assert rows["市生态环境分局"].deductions[0].count == 0

"""催办率, 重复来电率, 答复质量提示率 and 答复退回率: defined with the other measures, each
opening into the orders behind it, and shown per unit on the 催办与答复质量 page."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client, override_settings
from django.utils import timezone

from civicdesk.orders import actions, clock
from civicdesk.statistics.measures import Filters, Period, drill, measure
from tests.world import World

RUDE = "瞎投诉，这事不归我们管。"
GOOD = (
    "经核实，崖头街道人民路与成山大道交叉口南侧路面确有坑洼。根据《城市道路管理条例》第二十条，我局已于12月3日"
    "安排养护队修复并清理积水，现已恢复正常通行。如有疑问请致电0631-7561234。"
)


def _period() -> Period:
    now = timezone.now()
    return Period(now - timedelta(days=1), now + timedelta(days=1))


def test_urge_rate_counts_the_dispatched_orders_that_were_chased(w: World) -> None:
    urged = actions.urge(w.signed(), actor=w.operator)
    actions.urge(urged, actor=w.operator)  # twice: still one order
    w.signed()
    w.dispatched()
    w.new_order()  # never dispatched: not in the denominator

    figure = measure("urge_rate", _period())

    assert (figure.numerator, figure.denominator) == (1, 3)
    assert set(drill("urge_rate", _period()).values_list("pk", flat=True)) == {urged.pk}
    assert measure("urge_rate", _period(), Filters(lead_unit=w.dept_b)).denominator == 0


@override_settings(CIVICDESK_REPEAT_CALL_DAYS=7)
def test_a_repeat_call_is_the_same_number_on_the_same_matter_within_the_days(w: World) -> None:
    start = timezone.now()
    with clock.running_at(start - timedelta(days=10)):
        w.new_order()  # too long ago to make the next one a repeat
    with clock.running_at(start - timedelta(days=3)):
        w.new_order()
    repeat = w.new_order()
    other_matter = w.new_order(category=w.cat_noise)
    other_caller = w.new_order(citizen_phone="13900009999")
    unfiled = w.new_order(category=None)

    figure = measure("repeat_call_rate", Period(start - timedelta(hours=1), start + timedelta(days=1)))

    assert figure.numerator_ids == (repeat.pk,)
    assert set(figure.denominator_ids) == {repeat.pk, other_matter.pk, other_caller.pk, unfiled.pk}


def test_reply_quality_shares_count_each_reply(w: World) -> None:
    rude = actions.reply(w.signed(), actor=w.handler_a, result="solved", text=RUDE)
    actions.send_back_reply(rude, actor=w.dispatcher, reason="语气不当，请重新答复。")
    actions.reply(rude, actor=w.handler_a, result="solved", text=GOOD)  # the second reply of the same order
    actions.reply(w.signed(), actor=w.handler_a, result="solved", text=GOOD)

    flagged = measure("reply_flagged", _period())
    sent_back = measure("reply_sent_back", _period())

    assert (flagged.numerator, flagged.denominator) == (1, 3)
    assert (sent_back.numerator, sent_back.denominator) == (1, 3)
    assert set(drill("reply_flagged", _period()).values_list("pk", flat=True)) == {rude.pk}


def test_the_page_shows_each_unit_with_its_figures(w: World) -> None:
    actions.urge(w.signed(), actor=w.operator)
    actions.reply(w.signed(), actor=w.handler_a, result="solved", text=RUDE)
    client = Client()
    client.force_login(w.leader)

    response = client.get("/stats/quality/", {"period": "day"})

    html = response.content.decode()
    assert response.status_code == 200
    row = html[html.index(f'data-unit="{w.dept_a.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "催办率" in html and "答复质量提示率" in html
    assert "50.00%" in row  # one of the unit's two dispatched orders was urged; one of its replies flagged
    assert "code=urge_rate" in row and f"unit={w.dept_a.pk}" in row
    client.force_login(w.handler_a)
    assert client.get("/stats/quality/").status_code == 403

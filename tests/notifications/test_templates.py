"""Subjects per template, the rating link, and SMS kept to 70 characters a segment."""

from __future__ import annotations

from pytest_django.fixtures import Settings

from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.notifications.templates import SMS_SEGMENT, render, sms_parts, subject_for, trim
from civicdesk.orders import actions
from tests.world import World

NUMBER = "2026120100017"


def test_each_event_has_a_subject_with_the_number() -> None:
    assert subject_for("citizen_create", number=NUMBER) == f"您的诉求已受理（工单号 {NUMBER}）"
    assert subject_for("dispatch", number=NUMBER) == f"派至本单位的工单 {NUMBER}，请及时签收"
    assert subject_for("deadline_notice", number=NUMBER, level=1) == f"工单 {NUMBER} 即将到期（1级预警）"
    assert subject_for("deadline_notice", number=NUMBER, level=3) == f"工单 {NUMBER} 已超期（3级督办）"
    assert subject_for("citizen_accept_reply", number=NUMBER) == f"您的诉求已办理答复，请评价（工单号 {NUMBER}）"
    assert subject_for("reply", number=NUMBER) == f"工单 {NUMBER} 已答复，待审核"
    assert (
        subject_for("citizen_merge", number=NUMBER, parent="2026120100001")
        == "您的诉求已并入工单 2026120100001 合并办理"
    )
    assert subject_for("citizen_closed_parent", number=NUMBER) == f"您反映的问题已办结（工单号 {NUMBER}）"
    assert NUMBER in subject_for("approve_extension", number=NUMBER)  # the fallback still names it


def test_the_reply_sms_carries_the_rating_link(w: World, settings: Settings) -> None:
    settings.CIVICDESK_RATING_URL = "https://12345.example/r/{number}"
    order = w.awaiting_callback(wants_reply=True)
    message = OutboxMessage.objects.get(order=order, medium=Medium.SMS, template="citizen_accept_reply")
    rendered = render(message)
    assert rendered.body.endswith(f"评价：https://12345.example/r/{order.number}")
    assert rendered.number == order.number


def test_a_merged_callers_sms_speaks_of_their_own_number(w: World) -> None:
    parent = w.signed()
    child = w.new_order(wants_reply=True, citizen_phone="13900009999")
    actions.merge(child, actor=w.dispatcher, into=parent)
    message = OutboxMessage.objects.get(order=child, template="citizen_merge")
    rendered = render(message)
    assert rendered.subject == f"您的诉求已并入工单 {parent.number} 合并办理"


def test_a_short_sms_is_one_segment() -> None:
    text = f"您的诉求已受理，工单号 {NUMBER}，可凭工单号和手机号后四位查询办理进度。"
    assert sms_parts(text, NUMBER) == [text]


def test_a_long_sms_is_split_into_marked_segments_of_at_most_70() -> None:
    text = f"您反映的问题（工单号 {NUMBER}）已办结：" + "已安排养护队于当日修复路面坑洼并清理积水，" * 4
    parts = sms_parts(text, NUMBER, max_segments=3)
    assert 1 < len(parts) <= 3
    assert all(len(p) <= SMS_SEGMENT for p in parts)
    assert parts[0].startswith(f"(1/{len(parts)})")
    joined = "".join(p.split(")", 1)[1] for p in parts)
    assert joined == text
    assert NUMBER in parts[0]


def test_beyond_the_segments_it_is_trimmed_but_keeps_the_number() -> None:
    text = "处理情况：" + "已协调相关部门现场核查并整改，" * 10 + f"工单号 {NUMBER}"
    [one] = sms_parts(text, NUMBER, max_segments=1)
    assert len(one) <= SMS_SEGMENT and NUMBER in one and "…" in one
    parts = sms_parts(text, NUMBER, max_segments=2)
    assert len(parts) == 2 and all(len(p) <= SMS_SEGMENT for p in parts)
    assert NUMBER in "".join(parts)
    assert trim("短文本", 70, NUMBER) == "短文本"

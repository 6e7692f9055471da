"""A liaison officer is told of every move on their companies' orders."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from civicdesk.enterprises.models import Enterprise, LiaisonAssignment
from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders import actions
from civicdesk.org.models import User
from tests.world import World


def _told(user: User) -> list[str]:
    messages = OutboxMessage.objects.filter(user=user, medium=Medium.INBOX).order_by("pk")
    return list(messages.values_list("event__action", flat=True))


def test_it_tells_the_officer_of_every_move(w: World, company: Enterprise, officer: User) -> None:
    order = w.new_order(enterprise=company)
    order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a, assisting_units=[w.dept_b])
    order = actions.sign_for(order, actor=w.handler_a)
    order = actions.give_part(order, actor=w.handler_b, text="无占道经营。")
    order = actions.reply(order, actor=w.handler_a, result="solved", text="已修复。")
    order = actions.accept_reply(order, actor=w.dispatcher)
    actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied")

    assert _told(officer) == [
        "create",
        "dispatch",
        "sign",
        "give_part",
        "reply",
        "accept_reply",
        "record_callback",
    ]
    text = OutboxMessage.objects.filter(user=officer, event__action="sign", medium=Medium.INBOX).get().text
    assert order.number in text and "签收" in text


def test_it_does_not_tell_the_officer_of_their_own_move(w: World, company: Enterprise, officer: User) -> None:
    order = w.new_order(actor=officer, enterprise=company, channel="liaison")
    actions.send_to_hub(order, actor=officer)

    assert _told(officer) == []


def test_it_tells_no_officer_of_other_companies_or_after_the_posting(
    w: World, company: Enterprise, other_company: Enterprise, officer: User
) -> None:
    w.dispatched(enterprise=other_company)
    LiaisonAssignment.objects.filter(officer=officer).update(ends_on=timezone.localdate() - timedelta(days=1))
    w.dispatched(enterprise=company)

    assert _told(officer) == []

"""A new or changed measure is pushed through the outbox to the companies it matches and to
their liaison officers — once per change: saving the same content again, or running the push
again, sends nothing more; a company the measure does not match is not told."""

from __future__ import annotations

import pytest

from civicdesk.enterprises.models import Enterprise
from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.org.models import User
from civicdesk.policies.actions import TEMPLATE, push_revision, save_policy
from civicdesk.policies.models import PolicyEvent, PolicyPush
from tests.policies.conftest import measure
from tests.world import World

pytestmark = pytest.mark.django_db


def _sent() -> list[tuple[str, str]]:
    return sorted(
        (m.medium, m.address or m.user.username)  # type: ignore[union-attr]
        for m in OutboxMessage.objects.filter(template=TEMPLATE).select_related("user")
    )


def test_a_new_measure_reaches_the_matching_company_and_its_officer(
    w: World, factory: Enterprise, hotel: Enterprise, officer: User
) -> None:
    measure(w, industries=["C"])

    assert _sent() == [
        (Medium.EMAIL, "wang@haiyang.example"),
        (Medium.INBOX, "liaison"),
        (Medium.SMS, "13712345678"),
    ]
    inbox = OutboxMessage.objects.get(template=TEMPLATE, medium=Medium.INBOX)
    assert "荣成海洋食品有限公司" in inbox.text and "小微企业吸纳就业补贴" in inbox.text


def test_saving_the_same_content_again_pushes_nothing(w: World, factory: Enterprise, officer: User) -> None:
    policy = measure(w)
    before = OutboxMessage.objects.count()

    again, changed = save_policy(
        actor=w.dispatcher,
        values={
            "code": policy.code,
            "title": policy.title,
            "issuing_body": policy.issuing_body,
            "benefit": policy.benefit,
            "eligibility": policy.eligibility,
        },
    )
    push_revision(again)

    assert changed is False and again.revision == 1
    assert OutboxMessage.objects.count() == before
    assert PolicyEvent.objects.filter(policy=policy).count() == 1


def test_a_change_is_a_new_revision_pushed_once_more(w: World, factory: Enterprise, officer: User) -> None:
    policy = measure(w)
    first = OutboxMessage.objects.filter(template=TEMPLATE).count()

    changed = measure(w, benefit="每吸纳一名高校毕业生，一次性补贴3000元。")
    push_revision(changed)
    push_revision(changed)

    assert changed.revision == 2
    assert OutboxMessage.objects.filter(template=TEMPLATE).count() == 2 * first
    assert PolicyPush.objects.filter(policy=policy, revision=2).count() == 2  # the company and its officer
    update = PolicyEvent.objects.filter(policy=policy, action="update").get()
    assert update.data["fields"] == ["benefit"]
    assert OutboxMessage.objects.filter(subject__contains="有更新").exists()


def test_a_company_the_measure_does_not_match_is_not_told(w: World, factory: Enterprise, hotel: Enterprise) -> None:
    measure(w, industries=["H"])

    assert PolicyPush.objects.filter(enterprise=factory).count() == 0
    assert PolicyPush.objects.filter(enterprise=hotel).count() == 1

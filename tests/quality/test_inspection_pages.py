"""The quality pages: the inspector's queue and score form, the operator's results and appeal,
and who may open what (another operator's result is not found; only inspectors score)."""

from __future__ import annotations

import pytest
import time_machine
from django.test import override_settings

from civicdesk.intake.models import Call
from civicdesk.quality import actions
from civicdesk.quality.models import DeductionReason, Inspection, InspectionState
from tests.console.helpers import client_for, text
from tests.quality.helpers import WEEK, answered_calls, inspector
from tests.world import World

pytestmark = pytest.mark.django_db


def _queued(w: World) -> Inspection:
    order = w.new_order()
    answered_calls(w, w.operator, 1, order=order)
    actions.fill_queue(w.hub, WEEK, actor=None)
    return Inspection.objects.get()


def test_the_inspector_fills_the_queue_and_scores_a_call_on_the_form(w: World) -> None:
    answered_calls(w, w.operator, 3)
    qc = client_for(inspector(w))
    filled = qc.post("/quality/fill", {"week": "2026-03-04"})
    assert filled.status_code == 302
    item = Inspection.objects.get()
    queue = text(qc.get("/quality/"))
    assert f'id="inspection-{item.pk}"' in queue and "话务员小李" in queue

    page = text(qc.get(f"/quality/{item.pk}/"))
    assert 'id="score-form"' in page and "问候语规范" in page and "未报工号" in page
    reason = DeductionReason.objects.get(text="未报工号")
    done = qc.post(
        f"/quality/{item.pk}/score", {"reasons": [reason.pk], "comment": "请报工号", "version": item.version}
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.score, item.comment) == (InspectionState.SCORED, 95, "请报工号")


def test_the_operator_reads_the_result_and_appeals_once_on_the_page(w: World) -> None:
    item = _queued(w)
    item = actions.score(item, actor=inspector(w), reasons=[DeductionReason.objects.get(text="语气生硬").pk])
    me = client_for(w.operator)
    mine = text(me.get("/quality/mine"))
    assert f'id="inspection-{item.pk}"' in mine and "92" in mine

    page = text(me.get(f"/quality/{item.pk}/"))
    assert 'id="appeal-form"' in page and "语气生硬" in page and 'id="score-form"' not in page
    empty = me.post(f"/quality/{item.pk}/appeal", {"appeal": "", "version": item.version})
    assert empty.status_code == 400 and "请写明申诉理由。" in text(empty)
    sent = me.post(f"/quality/{item.pk}/appeal", {"appeal": "我语气正常", "version": item.version})
    assert sent.status_code == 302
    again = text(me.get(f"/quality/{item.pk}/"))
    assert 'id="appeal-form"' not in again and "我语气正常" in again


def test_another_operator_finds_nothing_and_a_dispatcher_is_refused(w: World) -> None:
    item = _queued(w)
    stranger = w.person("op2", "话务员小王", (w.hub, w.operator.memberships_list[0].role))
    assert client_for(stranger).get(f"/quality/{item.pk}/").status_code == 404
    assert client_for(w.dispatcher).get("/quality/").status_code == 403
    refused = client_for(w.leader).post(f"/quality/{item.pk}/score", {"reasons": [], "version": item.version})
    assert refused.status_code == 403
    assert Inspection.objects.get().state == InspectionState.QUEUED


def test_the_inspector_reads_the_order_and_plays_the_recording(w: World) -> None:
    item = _queued(w)
    Call.objects.filter(pk=item.call_id).update(recording_id="rec-001")
    qc = client_for(inspector(w))
    with override_settings(CIVICDESK_RECORDING_URL="https://rec.example/{recording_id}"):
        page = text(qc.get(f"/quality/{item.pk}/"))
        played = qc.get(f"/intake/calls/{item.call_id}/recording")
    assert 'id="inspection-play"' in page and 'id="inspection-order"' in page
    assert played.status_code == 302 and played["Location"] == "https://rec.example/rec-001"
    order = item.call.order
    assert order is not None and qc.get(f"/orders/{order.number}/").status_code == 200


def test_the_report_shows_weekly_scores_and_the_most_common_deductions(w: World) -> None:
    item = _queued(w)
    actions.score(item, actor=inspector(w), reasons=[DeductionReason.objects.get(text="未报工号").pk])
    with_time = client_for(w.leader)
    with time_machine.travel("2026-03-06 12:00 +0800", tick=False):
        page = text(with_time.get("/quality/report?weeks=4"))
    assert 'id="quality-operators"' in page and "95.0" in page
    top = page[page.index('id="quality-top-deductions"') :]
    assert "未报工号" in top and "问候语规范" in top

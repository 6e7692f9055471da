"""What a CTI sends for one call — queue, ring, answer, transfer, hang-up, with the agent and
the recording id — lands on the call, and a retried post still changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from civicdesk.intake.models import Call, CallEvent
from civicdesk.org.models import Role, User
from tests.api.conftest import Caller
from tests.world import World

PHONE = "13700003333"


def _cti(w: World, as_user: Callable[[User], Caller]) -> Caller:
    system = w.person("cti", "呼叫中心系统", (w.hub, Role.OPERATOR))
    system.set_unusable_password()
    system.save()
    return as_user(system)


def _post(caller: Caller, event: str, at: str, **extra: Any) -> Any:
    body = {"call_id": "cti-1", "event": event, "phone": PHONE, "at": at, **extra}
    return caller.post("/calls/events", body)


def test_a_cti_sequence_with_a_transfer_and_a_recording(w: World, as_user: Callable[[User], Caller]) -> None:
    cti = _cti(w, as_user)
    assert _post(cti, "queued", "2026-03-02T09:00:00+08:00", queue="企业专席").status_code == 201
    assert _post(cti, "ringing", "2026-03-02T09:00:06+08:00", agent="operator", extension="8001").status_code == 201
    assert _post(cti, "answered", "2026-03-02T09:00:10+08:00", agent="operator").status_code == 201
    assert _post(cti, "transferred", "2026-03-02T09:03:10+08:00", agent="dispatcher", leg=1).status_code == 201
    done = _post(cti, "hung_up", "2026-03-02T09:08:10+08:00", recording_id="REC-2026-0302-0001")
    assert done.status_code == 201
    body = done.json()
    assert body["state"] == "completed"
    assert body["agent"] == "operator"  # the call stays with the agent who answered it
    assert body["queue"] == "企业专席"
    assert body["has_recording"] is True
    assert body["transfer_count"] == 1
    assert body["wait_seconds"] == 10 and body["talk_seconds"] == 480  # talk runs on after the transfer

    call = Call.objects.get(call_id="cti-1")
    assert call.recording_id == "REC-2026-0302-0001"
    assert call.transferred_to == w.dispatcher and call.extension == "8001"
    assert list(call.events.values_list("kind", "leg")) == [
        ("queued", 0),
        ("ringing", 0),
        ("answered", 0),
        ("transferred", 1),
        ("hung_up", 0),
    ]


def test_transfers_are_told_apart_by_their_leg_and_retries_change_nothing(
    w: World, as_user: Callable[[User], Caller]
) -> None:
    cti = _cti(w, as_user)
    _post(cti, "answered", "2026-03-02T10:00:00+08:00", agent="operator")
    assert _post(cti, "transferred", "2026-03-02T10:01:00+08:00", agent="dispatcher").status_code == 201
    again = _post(cti, "transferred", "2026-03-02T10:01:00+08:00", agent="dispatcher")
    assert again.status_code == 200 and again.json()["recorded"] is False
    second = _post(cti, "transferred", "2026-03-02T10:02:00+08:00", agent="operator", leg=2)
    assert second.status_code == 201 and second.json()["transfer_count"] == 2
    assert CallEvent.objects.filter(call__call_id="cti-1", kind="transferred").count() == 2


def test_bad_cti_fields_are_refused_with_the_field_named(w: World, as_user: Callable[[User], Caller]) -> None:
    cti = _cti(w, as_user)
    leg = _post(cti, "answered", "2026-03-02T10:00:00+08:00", leg=2)
    assert leg.status_code == 422 and "转接" in leg.content.decode()
    recording = _post(cti, "hung_up", "2026-03-02T10:00:00+08:00", recording_id="../../etc/passwd")
    assert recording.status_code == 422 and "录音编号" in recording.content.decode()
    assert not Call.objects.filter(call_id="cti-1").exists()  # nothing half-recorded

"""POST /api/v1/calls/events — softphones and the telephony system report call events.

The token's user must be an operator or dispatcher (a person's softphone), or the telephony
system's service account holding that role at the hub. Each (call id, event) is kept once:
a retried post answers 200 with the call as it stands, the first one 201.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from civicdesk.api.api import ERRORS, api, caller
from civicdesk.api.schemas import Moment, Text20, Text40, Text64, Text200
from civicdesk.intake.calls import record_event
from civicdesk.intake.models import Call, CallEventKind, CallState
from civicdesk.orders.errors import InvalidInput

CallEventName = Enum("CallEventName", {k.upper(): k for k in CallEventKind.values}, type=str)  # type: ignore[misc]
CallStateName = Enum("CallStateName", {k.upper(): k for k in CallState.values}, type=str)  # type: ignore[misc]


class CallEventIn(Schema):
    call_id: Text64 = Field(description="话机/呼叫中心给这通电话的编号，同一通电话的各事件相同")
    event: CallEventName = Field(  # type: ignore[valid-type]
        description="queued 进入队列、ringing 振铃、answered 接听、transferred 转接、hung_up 挂断、missed 未接"
    )
    phone: Text20 = Field(description="来电号码")
    at: Moment | None = Field(None, description="事件发生时间（带时区）；不填为收到的时间")
    agent: Text64 = Field("", description="接听或振铃的话务员用户名；个人话机的令牌可不填（即令牌本人）")
    extension: Text20 = Field("", description="分机号")
    queue: Text40 = Field("", description="队列（技能组）名称，通常随 queued 事件上报；以第一次上报的为准")
    recording_id: Text200 = Field(
        "", description="录音服务器上这通电话的录音编号（字母、数字或 . _ : @ -，最长 128），通常随挂断上报"
    )
    leg: int | None = Field(
        None, ge=1, le=99, description="转接序号：同一通电话的第几次转接（1、2…），不填为 1；其他事件不填"
    )


class CallOut(Schema):
    call_id: str
    phone: str
    state: CallStateName  # type: ignore[valid-type]
    agent: str | None = Field(description="话务员用户名")
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    order: str | None = Field(description="由这通电话受理的工单编号")
    queue: str = Field(description="队列（技能组）")
    has_recording: bool = Field(description="是否已有录音编号")
    transfer_count: int = Field(description="转接次数")
    wait_seconds: int | None = Field(description="等待秒数：来电到接听（未接为到挂断）")
    talk_seconds: int | None = Field(description="通话秒数：接听到挂断")
    recorded: bool = Field(description="false：这个事件此前已记录过（重试），未作改动")


def _out(call: Call, recorded: bool) -> dict[str, Any]:
    return {
        "call_id": call.call_id,
        "phone": call.phone,
        "state": call.state,
        "agent": call.agent.username if call.agent else None,
        "started_at": call.started_at,
        "answered_at": call.answered_at,
        "ended_at": call.ended_at,
        "order": call.order.number if call.order else None,
        "queue": call.queue,
        "has_recording": bool(call.recording_id),
        "transfer_count": call.transfer_count,
        "wait_seconds": call.wait_seconds,
        "talk_seconds": call.talk_seconds,
        "recorded": recorded,
    }


def _moment(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = value if timezone.is_aware(value) else timezone.make_aware(value)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidInput("时间超出范围。", fields={"at": "时间超出范围。"}) from None


@api.post(
    "/calls/events",
    response={200: CallOut, 201: CallOut, **ERRORS},
    summary="上报来电事件（排队、振铃、接听、转接、挂断、未接）",
    description=(
        "话机或呼叫中心上报一通电话的事件，按来电号码记录，未接来电进入“未接来电待回拨”列表。"
        "同一 call_id 的同一事件只记录一次（转接按 leg 区分）：首次 201，重试 200（recorded=false）。"
        "随事件上报的录音编号保存在来电上，有权限的人员可在工单页调听（每次调听留痕）。"
        "从弹屏地址 /intake/?caller=号码&call_id=编号 受理的工单会关联到这通电话。"
    ),
    tags=["calls"],
    operation_id="post_call_event",
)
def post_call_event(request: HttpRequest, payload: CallEventIn) -> Status[Any]:
    user = caller(request)
    result = record_event(
        poster=user,
        call_id=payload.call_id,
        kind=str(payload.event.value),
        phone=payload.phone,
        at=_moment(payload.at),
        agent=payload.agent,
        extension=payload.extension,
        queue=payload.queue,
        recording_id=payload.recording_id,
        leg=payload.leg,
    )
    call = Call.objects.select_related("agent", "order").get(pk=result.call.pk)
    return Status(201 if result.created else 200, _out(call, result.created))

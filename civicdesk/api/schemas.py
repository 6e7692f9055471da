"""The shapes the internal API reads and writes; ninja turns them into the OpenAPI document."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, StrictBool

from civicdesk.catalogue.models import Channel, RequestType, Urgency
from civicdesk.lib.controls import strip_bidi
from civicdesk.orders.models import ReplyResult, Satisfaction, TransferRoute
from civicdesk.orders.workflow import State


def _storable(value: str) -> str:
    """No NUL and no lone surrogate: neither can be stored (PostgreSQL refuses both). Bidi
    controls, which make text display in another order than stored, are removed."""
    for char in value:
        if char == "\x00" or 0xD800 <= ord(char) <= 0xDFFF:
            raise ValueError("含有不能保存的字符（NUL 或不成对的代理字符）")
    return strip_bidi(value)


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?([Zz]|[+-]\d{2}:?\d{2})?$")


def _iso_moment(value: Any) -> Any:
    """Only an ISO 8601 date-time: pydantic alone also takes numbers and numeric strings as Unix
    timestamps, so `updated_after=0.5` would silently mean 1970."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_MOMENT.match(value.strip()):
        raise ValueError("须为 ISO 8601 时间，如 2026-01-31T08:30:00+08:00。")
    return value.strip()


# A moment the caller sends (filters, event times).
Moment = Annotated[datetime, BeforeValidator(_iso_moment)]

Text20 = Annotated[str, Field(max_length=20), AfterValidator(_storable)]
Text40 = Annotated[str, Field(max_length=40), AfterValidator(_storable)]
Text50 = Annotated[str, Field(max_length=50), AfterValidator(_storable)]
Text64 = Annotated[str, Field(max_length=64), AfterValidator(_storable)]
Text200 = Annotated[str, Field(max_length=200), AfterValidator(_storable)]
Text255 = Annotated[str, Field(max_length=255), AfterValidator(_storable)]
Text500 = Annotated[str, Field(max_length=500), AfterValidator(_storable)]
Text2000 = Annotated[str, Field(max_length=2000), AfterValidator(_storable)]
Text5000 = Annotated[str, Field(max_length=5000), AfterValidator(_storable)]


# Codes of units, categories, areas and topics; order numbers.
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")]
OrderNumber = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9\-]+$")]
NUMBER_PATTERN = r"^[A-Za-z0-9\-]{1,20}$"
Version = Annotated[
    int, Field(ge=0, le=2_147_483_647, description="工单当前版本号（读取工单时得到），防止覆盖他人的操作")
]


class Error(Schema):
    detail: str = Field(description="可直接展示给用户的中文说明")
    code: str = Field(description="机器可读的错误类别")
    fields: dict[str, str] = Field(default_factory=dict, description="字段名 → 该字段的错误")


class Ref(Schema):
    code: str
    name: str


class Contact(Schema):
    name: str | None = Field(description="来电人姓名（按查看者权限打码；保密工单对承办单位为 null）")
    phone: str | None = Field(description="联系电话（按查看者权限打码；保密工单对承办单位为 null）")
    masked: bool
    hidden: bool = Field(description="保密工单：来电人身份对查看者不可见")


class AssignmentOut(Schema):
    unit: Ref
    role: str
    role_label: str
    active: bool
    dispatched_at: datetime
    sign_due_at: datetime | None
    signed_at: datetime | None
    part_text: str
    part_given_at: datetime | None
    ended_at: datetime | None


class OrderOut(Schema):
    number: str
    version: int
    state: str
    state_label: str
    channel: str
    request_type: str
    urgency: str
    title: str
    content: str
    address: str
    area: Ref | None
    category: Ref | None
    topics: list[str]
    latitude: float | None
    longitude: float | None
    confidential: bool
    wants_reply: bool
    contact: Contact
    enterprise: str | None = Field(description="企业统一社会信用代码")
    hub: Ref
    lead_unit: Ref | None
    assignments: list[AssignmentOut]
    parent: str | None = Field(description="并入的主单编号")
    upstream_platform: str
    upstream_id: str
    upstream_due_at: datetime | None
    created_at: datetime
    updated_at: datetime
    dispatched_at: datetime | None
    signed_at: datetime | None
    replied_at: datetime | None
    accepted_at: datetime | None
    closed_at: datetime | None
    sign_due_at: datetime | None
    handle_due_at: datetime | None
    callback_due_at: datetime | None
    deadline_status: str
    extension_days: float
    supervision_level: int
    return_count: int
    redispatch_count: int
    rework_count: int
    reply_result: str
    reply_text: str
    answer_text: str
    callback_solved: str
    callback_satisfaction: str
    allowed_actions: list[str] = Field(description="调用者此刻可以执行的操作")


class OrderSummary(Schema):
    number: str
    version: int
    state: str
    state_label: str
    title: str
    request_type: str
    urgency: str
    category: str | None
    hub: str
    lead_unit: str | None
    confidential: bool
    created_at: datetime
    updated_at: datetime
    handle_due_at: datetime | None
    deadline_status: str


class OrderPage(Schema):
    count: int = Field(
        description="符合条件的工单数，最多数到 1000：超过时为 1000，count_capped 为 true（不再为一个数字读遍全部历史）"
    )
    count_capped: bool = Field(description="为 true 时实际工单数超过 count")
    page: int
    page_size: int
    pages: int = Field(description="按 count 计的页数；count_capped 为 true 时之后还有更多页，请用 next_cursor 继续")
    next_cursor: str | None = Field(
        description=(
            "下一页的游标：把它作为 cursor 参数传回即得下一页（按受理时间倒序接着取，"
            "翻页期间新增的工单不会造成重复或遗漏）；没有下一页时为 null"
        )
    )
    results: list[OrderSummary]


class EventOut(Schema):
    seq: int
    at: datetime
    action: str
    label: str = Field(description="操作的中文名称，如“派单”")
    detail: str = Field(description="一句话说明，如“主办：市住房和城乡建设局”")
    note: str
    from_state: str
    from_state_label: str
    to_state: str
    to_state_label: str
    who: str
    actor: str | None
    acting_unit: Ref | None
    data: dict[str, Any] = Field(description="结构化数据；单位以编码表示")


class OrderFilters(Schema):
    state: list[State] | None = Field(None, description="可重复：?state=dispatched&state=signed")
    category: Code | None = Field(None, description="分类编码（含下级分类）")
    lead_unit: Code | None = Field(None, description="主办单位编码")
    created_after: Moment | None = None
    created_before: Moment | None = None
    updated_after: Moment | None = None
    page: int = Field(1, ge=1, le=100_000, description="页码（给出 cursor 时不用）；深翻页请用 cursor")
    page_size: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(
        None, max_length=200, description="上一页应答中的 next_cursor：从那一页的最后一张工单之后接着取"
    )


class OrderCreateIn(Schema):
    channel: Channel = Channel.API
    request_type: RequestType
    title: Text200
    content: Text5000
    urgency: Urgency = Urgency.NORMAL
    address: Text255 = ""
    area: Code | None = Field(None, description="区域编码")
    category: Code | None = Field(None, description="分类编码")
    topics: list[Code] = Field(default_factory=list, max_length=20, description="专题编码")
    citizen_name: Text50 = ""
    citizen_phone: Text20 = ""
    # Strictly true or false: "yes", 1 or "on" are refused, not guessed.
    confidential: StrictBool = False
    wants_reply: StrictBool = True
    enterprise: Annotated[str, Field(max_length=18, pattern=r"^[0-9A-Za-z]+$")] | None = Field(
        None, description="企业统一社会信用代码"
    )
    latitude: Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)] | None = None
    longitude: Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)] | None = None
    hub: Code | None = Field(None, description="受理中心编码（调用者属于多个中心时必填）")
    upstream_platform: Text40 = Field("", description="上级平台代码（与本系统配置的上级平台一致，如 minxin）")
    upstream_id: Text64 = Field("", description="上级平台工单编号")
    upstream_due_at: Moment | None = Field(
        None,
        description="上级平台时限（须带时区，晚于现在；须同时给出 upstream_platform 与 upstream_id）。"
        "承办单位的办理时限按该平台配置的余量提前截止。",
    )


# One body per lifecycle action: its parameters and the version the caller last saw.


class ActionIn(Schema):
    expected_version: Version


class NoteIn(ActionIn):
    note: Text2000 = ""


class ReasonIn(ActionIn):
    reason: Text2000


class AnswerIn(ActionIn):
    answer: Text5000
    article_ids: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] = Field(default_factory=list, max_length=20)


class DispatchIn(ActionIn):
    lead_unit: Code
    assisting_units: list[Code] = Field(default_factory=list, max_length=20)
    note: Text2000 = ""


class RedispatchIn(ActionIn):
    lead_unit: Code
    assisting_units: list[Code] = Field(default_factory=list, max_length=20)
    reason: Text2000


class HandDownIn(ActionIn):
    lower_hub: Code = Field(description="下级中心编码")
    note: Text2000 = ""


class SubDispatchIn(ActionIn):
    sub_unit: Code
    note: Text2000 = ""


class ReturnIn(ActionIn):
    reason: Text2000
    legal_basis: Text500 = ""


class ApproveReturnIn(ActionIn):
    new_lead_unit: Code | None = Field(None, description="直接改派的单位编码；不填则退回待派单")
    assisting_units: list[Code] = Field(default_factory=list, max_length=20)
    note: Text2000 = ""


Days = Annotated[Decimal, Field(ge=Decimal("0.5"), le=30, max_digits=4, decimal_places=1, multiple_of=Decimal("0.5"))]


class ExtensionIn(ActionIn):
    days: Days
    reason: Text2000


class ApproveExtensionIn(ActionIn):
    days: Days | None = Field(None, description="批准的工作日；不填则按申请")
    note: Text2000 = ""


class PartIn(ActionIn):
    text: Text5000


class MaterialIn(ActionIn):
    reason: Text2000 = Field(description="需要补正的材料（每个审批部门只能要求一次补正）")


class MaterialSuppliedIn(ActionIn):
    unit: Code | None = Field(None, description="补正材料到位的审批部门编码；不填则为所有等待补正的部门")
    note: Text2000 = ""


class ReplyIn(ActionIn):
    result: ReplyResult
    text: Text5000
    instruction_response: Text5000 = Field("", description="有领导批示时必填：批示的落实情况")


class CallbackIn(ActionIn):
    solved: ReplyResult
    satisfaction: Satisfaction
    comment: Text2000 = ""
    rework: StrictBool = False


class MergeIn(ActionIn):
    into: OrderNumber = Field(description="主单编号")
    note: Text2000 = ""


class TransferIn(ActionIn):
    route: TransferRoute
    told_caller: Text2000


class ConveneIn(ActionIn):
    units: list[Code] = Field(min_length=2, max_length=10, description="参加会商的单位编码")
    reason: Text2000
    days: Days | None = Field(None, description="意见时限（工作日）；不填为 2 个工作日")


class ViewIn(ActionIn):
    text: Text5000


class DecideConsultationIn(ActionIn):
    lead_unit: Code
    assisting_units: list[Code] = Field(default_factory=list, max_length=20)
    decision: Text5000


class InstructIn(ActionIn):
    text: Text2000
    days: Days | None = Field(None, description="签收时限（工作日）；不填为 1 个工作日")


class NoticeIn(ActionIn):
    text: Text2000
    days: Days | None = Field(None, description="书面答复时限（工作日）；不填为 3 个工作日")


class NoticeAnswerIn(ActionIn):
    text: Text5000


class WithdrawIn(ActionIn):
    reason: Text500
    # Recorded on the event: the citizen withdrew through an API client (WeChat, an app).
    via: Literal["api"] = "api"


class SuperviseIn(ActionIn):
    note: Text2000


class SupplementIn(ActionIn):
    text: Text5000


class AcceptReplyIn(NoteIn):
    override_reason: Text500 = Field(
        "", description="答复未通过质量检查（不文明、推诿、自相矛盾）时仍予通过的理由；此时必填"
    )


class UrgeIn(ActionIn):
    note: Text500 = Field("", description="来电人催办时说的话（可不填）")


ACTION_BODIES: dict[str, type[ActionIn]] = {
    "answer": AnswerIn,
    "send_to_hub": NoteIn,
    "dispatch": DispatchIn,
    "redispatch": RedispatchIn,
    "hand_down": HandDownIn,
    "return_to_upper": ReasonIn,
    "return_to_upstream": ReasonIn,
    "sign": ActionIn,
    "sign_part": ActionIn,
    "sub_dispatch": SubDispatchIn,
    "request_return": ReturnIn,
    "approve_return": ApproveReturnIn,
    "refuse_return": ReasonIn,
    "request_extension": ExtensionIn,
    "approve_extension": ApproveExtensionIn,
    "refuse_extension": ReasonIn,
    "request_suspension": ReasonIn,
    "approve_suspension": NoteIn,
    "refuse_suspension": ReasonIn,
    "resume": NoteIn,
    "give_part": PartIn,
    # 补正 in a parallel approval (并联审批): the approving department asks, the hub records it in.
    "request_material": MaterialIn,
    "supply_material": MaterialSuppliedIn,
    "reply": ReplyIn,
    "accept_reply": AcceptReplyIn,
    "send_back_reply": ReasonIn,
    "record_callback": CallbackIn,
    "close_without_callback": ReasonIn,
    "merge": MergeIn,
    "void": ReasonIn,
    "withdraw": WithdrawIn,
    "object_to_refusal": ReasonIn,
    "instruct": InstructIn,
    "acknowledge_instruction": ActionIn,
    "issue_notice": NoticeIn,
    "answer_notice": NoticeAnswerIn,
    "uphold_objection": ApproveReturnIn,
    "reject_objection": ReasonIn,
    "mark_difficult": ReasonIn,
    "convene_consultation": ConveneIn,
    "give_view": ViewIn,
    "decide_consultation": DecideConsultationIn,
    "transfer_out": TransferIn,
    "supervise": SuperviseIn,
    "supplement": SupplementIn,
    "urge": UrgeIn,
}

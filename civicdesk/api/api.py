"""The internal REST API (/api/v1/) for other government systems and the provincial platform.

The caller is a user (through its token) with exactly that user's rights in the console:
the same visibility, the same moves, the same masking of personal data.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Header, NinjaAPI, Path, Query, Status
from ninja.security import HttpBearer

from civicdesk.api import errors, serialize
from civicdesk.api.errors import ApiError
from civicdesk.api.models import ApiToken, IdempotencyRecord
from civicdesk.api.schemas import (
    ACTION_BODIES,
    NUMBER_PATTERN,
    ActionIn,
    Error,
    EventOut,
    OrderCreateIn,
    OrderFilters,
    OrderOut,
    OrderPage,
)
from civicdesk.api.tokens import authenticate
from civicdesk.catalogue.models import Area, Category, Topic
from civicdesk.enterprises.models import Enterprise
from civicdesk.lib.paging import COUNT_CAP, capped_count
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.moves import perform
from civicdesk.orders.permissions import find_visible, visible_orders
from civicdesk.orders.workflow import MOVES
from civicdesk.org.models import OrgUnit, User
from civicdesk.upstream.models import UpstreamPlatform


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return authenticate(token)


api = NinjaAPI(
    title="CivicDesk 内部接口",
    version="1",
    description=(
        "供其他政务系统与省级平台调用的工单接口。调用者以令牌所属用户的身份和权限操作，"
        "与工作台页面的权限、保密与打码规则相同。错误统一为 JSON：{detail, code, fields}。"
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url=None,  # swagger UI would load its assets from a CDN; the schema is enough
    auth=BearerToken(),
)
errors.install(api)

# Every answer other than success that any operation can give, documented on each: 400 (a body
# that is not JSON, a NUL anywhere in the request: civicdesk.runtime.middleware), 413 (body too
# large), 422 (a parameter or field that does not validate), and the rest.
ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 413: Error, 422: Error}
IDEMPOTENCY_KEY_MAX = 255


def caller(request: HttpRequest) -> User:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token.user


def _visible(user: User, number: str) -> WorkOrder:
    order = find_visible(user, number)
    if order is None:
        raise Http404(errors.NOT_FOUND)
    return order


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: message})


def _unit(code: str, field: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise _invalid(field, f"找不到编码为 {code} 的单位。")
    return unit


def _units(codes: list[str], field: str) -> list[OrgUnit]:
    return [_unit(code, field) for code in codes]


# ---------------------------------------------------------------- create (idempotent)


def _create_kwargs(payload: OrderCreateIn) -> dict[str, Any]:
    data = payload.model_dump()
    kwargs: dict[str, Any] = {
        key: data[key]
        for key in (
            "title",
            "content",
            "address",
            "citizen_name",
            "citizen_phone",
            "confidential",
            "wants_reply",
            "latitude",
            "longitude",
            "upstream_platform",
            "upstream_id",
        )
    }
    kwargs["channel"] = str(payload.channel.value)
    kwargs["request_type"] = str(payload.request_type.value)
    kwargs["urgency"] = str(payload.urgency.value)
    if payload.area:
        kwargs["area"] = Area.objects.filter(code=payload.area).first()
        if kwargs["area"] is None:
            raise _invalid("area", f"找不到编码为 {payload.area} 的区域。")
    if payload.category:
        kwargs["category"] = Category.objects.filter(code=payload.category).first()
        if kwargs["category"] is None:
            raise _invalid("category", f"找不到编码为 {payload.category} 的分类。")
    if payload.topics:
        topics = {t.code: t for t in Topic.objects.filter(code__in=payload.topics)}
        missing = [code for code in payload.topics if code not in topics]
        if missing:
            raise _invalid("topics", f"找不到专题：{'、'.join(missing)}。")
        kwargs["topics"] = list(topics.values())
    if payload.enterprise:
        kwargs["enterprise"] = Enterprise.objects.filter(credit_code=payload.enterprise.upper()).first()
        if kwargs["enterprise"] is None:
            raise _invalid("enterprise", f"找不到统一社会信用代码为 {payload.enterprise} 的企业。")
    if payload.upstream_due_at is not None:
        kwargs.update(_upstream_deadline(payload))
    if payload.hub:
        kwargs["hub"] = OrgUnit.objects.filter(code=payload.hub, is_hub=True, active=True).first()
        if kwargs["hub"] is None:
            raise _invalid("hub", f"找不到编码为 {payload.hub} 的受理中心。")
    return kwargs


def _upstream_deadline(payload: OrderCreateIn) -> dict[str, Any]:
    """The upstream platform's deadline of an order it sent through the API, and the margin its
    configuration keeps for the hub's review and report (none for a platform not configured)."""
    due = payload.upstream_due_at
    assert due is not None
    if not payload.upstream_platform or not payload.upstream_id:
        message = "填写上级平台时限时须同时填写上级平台（upstream_platform）与其工单编号（upstream_id）。"
        raise _invalid("upstream_due_at", message)
    if timezone.is_naive(due):
        raise _invalid("upstream_due_at", "上级平台时限须带时区，如 2026-03-10T17:00:00+08:00。")
    if due <= timezone.now():
        raise _invalid("upstream_due_at", "上级平台时限已过，请核对。")
    platform = UpstreamPlatform.objects.filter(code=payload.upstream_platform).first()
    margin = timedelta(hours=platform.margin_hours) if platform is not None else timedelta(0)
    return {"upstream_due_at": due, "upstream_margin": margin}


def _idempotency_key(value: str) -> str:
    key = value.strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or not all(0x21 <= ord(c) <= 0x7E for c in key):
        message = f"Idempotency-Key 须为 1–{IDEMPOTENCY_KEY_MAX} 个可见 ASCII 字符（建议使用 UUID）。"
        raise ApiError(422, "invalid_idempotency_key", message, {"Idempotency-Key": message})
    return key


def _request_hash(payload: OrderCreateIn) -> str:
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _replay(record: IdempotencyRecord, digest: str, response: HttpResponse) -> Status[Any]:
    if record.request_hash != digest:
        message = (
            f"Idempotency-Key {record.key} 已用于另一个内容不同的创建请求（工单 "
            f"{record.order.number if record.order else ''}）。重试请发送完全相同的内容；新的请求请使用新的 Key。"
        )
        raise ApiError(422, "idempotency_key_reused", message, {"Idempotency-Key": message})
    response["Idempotent-Replayed"] = "true"
    return Status(record.status_code, record.response)


@api.post(
    "/orders",
    response={201: OrderOut, **ERRORS},
    summary="受理（新建）工单",
    description=(
        "必须带 Idempotency-Key 请求头：同一调用者用同一个 Key 重试，只会建一张工单，并得到与第一次相同的应答"
        "（应答头 Idempotent-Replayed: true）。同一个 Key 配不同的请求内容 → 422 idempotency_key_reused。"
        "创建失败（422 等）不占用 Key。"
    ),
    tags=["orders"],
    operation_id="create_order",
)
def create_order(
    request: HttpRequest,
    response: HttpResponse,
    payload: OrderCreateIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", max_length=IDEMPOTENCY_KEY_MAX),
) -> Status[Any]:
    user = caller(request)
    key = _idempotency_key(idempotency_key)
    digest = _request_hash(payload)
    existing = IdempotencyRecord.objects.select_related("order").filter(user=user, key=key).first()
    if existing is not None:
        return _replay(existing, digest, response)
    kwargs = _create_kwargs(payload)
    answered: dict[str, Any] = {}

    def keep_answer(order: WorkOrder) -> None:
        # In the order's transaction: the key is kept with the order it made, or neither is. A
        # concurrent retry with the same key waits on this row's unique index until we commit,
        # then fails (its own order rolls back) and replays what we answered. No transaction
        # of ours around create_order: it takes the order's number apart, committed at once.
        # The caller made it, so it may open it (the owner always may).
        detail = serialize.order_detail(user, order, may_open=True, new=True)
        answered["model"] = OrderOut.model_validate(detail)
        body = answered["model"].model_dump(mode="json")
        IdempotencyRecord.objects.create(
            user=user,
            token=request.auth,  # type: ignore[attr-defined]
            key=key,
            request_hash=digest,
            order=order,
            status_code=201,
            response=body,
        )

    try:
        order = actions.create_order(actor=user, also=keep_answer, **kwargs)
    except IntegrityError:
        existing = IdempotencyRecord.objects.select_related("order").filter(user=user, key=key).first()
        if existing is not None:
            return _replay(existing, digest, response)
        # Not our key: the only other unique rule a new order can break is the upstream id.
        raise ApiError(
            409,
            "duplicate_upstream",
            f"上级平台工单 {payload.upstream_id} 已受理过（并发提交）。",
            {"upstream_id": "该上级平台编号已存在。"},
        ) from None
    response["Location"] = f"/api/v1/orders/{order.number}"
    # The answer validated once for the idempotency record, given back as the OrderOut it is:
    # django-ninja sends a model of the response's type without validating it again (it
    # would a dict), and renders it as it renders the replay of the record.
    return Status(201, answered["model"])


# ---------------------------------------------------------------- read


@api.get(
    "/orders/{number}",
    response={200: OrderOut, **ERRORS},
    summary="查看工单",
    tags=["orders"],
    operation_id="get_order",
)
def get_order(request: HttpRequest, number: str = Path(..., pattern=NUMBER_PATTERN)) -> dict[str, Any]:
    user = caller(request)
    return serialize.order_detail(user, _visible(user, number), may_open=True)


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = value if timezone.is_aware(value) else timezone.make_aware(value)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise _invalid(field, "时间超出范围。") from None


def _filtered(user: User, filters: OrderFilters) -> QuerySet[WorkOrder]:
    orders = visible_orders(user)
    if filters.state:
        orders = orders.filter(state__in=[str(s.value) for s in filters.state])
    if filters.category:
        code = filters.category
        orders = orders.filter(
            Q(category__code=code) | Q(category__parent__code=code) | Q(category__parent__parent__code=code)
        )
    if filters.lead_unit:
        orders = orders.filter(lead_unit__code=filters.lead_unit)
    for field, lookup in (
        ("created_after", "created_at__gte"),
        ("created_before", "created_at__lt"),
        ("updated_after", "updated_at__gte"),
    ):
        moment = _aware(getattr(filters, field), field)
        if moment is not None:
            orders = orders.filter(**{lookup: moment})
    return orders


def _cursor(created_at: datetime, pk: int) -> str:
    raw = f"{created_at.astimezone(UTC).isoformat()}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _after_cursor(cursor: str) -> Q:
    """The orders after the one `cursor` names, in the list's order (newest first)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment_text, pk_text = raw.split("|")
        moment, pk = datetime.fromisoformat(moment_text), int(pk_text)
        if moment.tzinfo is None:
            raise ValueError(moment_text)
    except ValueError as exc:
        message = "cursor 无效：请使用上一页应答中的 next_cursor。"
        raise ApiError(422, "validation_error", message, {"cursor": message}) from exc
    return Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk)


@api.get(
    "/orders",
    response={200: OrderPage, **ERRORS},
    summary="工单列表（筛选、分页）",
    description=(
        "调用者可见的工单，按受理时间倒序。created_before 不含边界；page_size 最大 200。"
        f"count 最多数到 {COUNT_CAP}（超过时 count_capped 为 true）。翻页：page 取第几页；"
        "或把应答中的 next_cursor 作为 cursor 传回取下一页（大量工单时更快，翻页期间新增工单也不会重复或遗漏）。"
    ),
    tags=["orders"],
    operation_id="list_orders",
)
def list_orders(request: HttpRequest, filters: Query[OrderFilters]) -> dict[str, Any]:
    user = caller(request)
    orders = _filtered(user, filters)
    # Counted up to COUNT_CAP: an exact count of everything a hub may see reads its whole
    # history on every call (479 ms at a million orders).
    found = capped_count(orders, COUNT_CAP)
    count = min(found, COUNT_CAP)
    listed = orders.select_related("hub", "lead_unit", "category").order_by("-created_at", "-pk")
    if filters.cursor:
        rows = list(listed.filter(_after_cursor(filters.cursor))[: filters.page_size + 1])
    else:
        start = (filters.page - 1) * filters.page_size
        rows = list(listed[start : start + filters.page_size + 1])
    page, more = rows[: filters.page_size], len(rows) > filters.page_size
    return {
        "count": count,
        "count_capped": found > COUNT_CAP,
        "page": filters.page,
        "page_size": filters.page_size,
        "pages": (count + filters.page_size - 1) // filters.page_size,
        "next_cursor": _cursor(page[-1].created_at, page[-1].pk) if more else None,
        "results": [serialize.order_summary(o, user) for o in page],
    }


@api.get(
    "/orders/{number}/events",
    response={200: list[EventOut], **ERRORS},
    summary="工单流转记录",
    description="按顺序列出工单的每一步：中文说明（label、detail）与结构化数据（data）。",
    tags=["orders"],
    operation_id="list_order_events",
)
def order_events(request: HttpRequest, number: str = Path(..., pattern=NUMBER_PATTERN)) -> list[dict[str, Any]]:
    user = caller(request)
    return serialize.history(_visible(user, number), user)


# ---------------------------------------------------------------- lifecycle actions


def _params(action: str, order: WorkOrder, payload: ActionIn) -> dict[str, Any]:
    """The action's keyword arguments: codes and numbers turned into the objects they name."""
    params: dict[str, Any] = {}
    for name, value in payload.model_dump(exclude={"expected_version"}).items():
        if name in ("lead_unit", "sub_unit", "lower_hub"):
            params[name] = _unit(value, name)
        elif name in ("new_lead_unit", "unit"):
            params[name] = _unit(value, name) if value else None
        elif name in ("assisting_units", "units"):
            params[name] = _units(value, name)
        elif name == "into":
            parent = WorkOrder.objects.filter(number=value, hub=order.hub).first()
            if parent is None:
                raise _invalid("into", f"找不到工单 {value}。")
            params[name] = parent
        elif hasattr(value, "value"):  # an enum member
            params[name] = str(value.value)
        else:
            params[name] = value
    return params


def _perform(request: HttpRequest, action: str, number: str, payload: ActionIn) -> dict[str, Any]:
    user = caller(request)
    order = _visible(user, number)
    params = _params(action, order, payload)
    if action == "urge":
        # The channel is the API's to say, not the caller's: a 催办 passed on by a connected system.
        params["via"] = "api"
    perform(action, order, actor=user, expected_version=payload.expected_version, **params)
    fresh = WorkOrder.objects.select_related(
        "hub", "lead_unit", "category", "area", "owner", "parent", "enterprise"
    ).get(pk=order.pk)
    return serialize.order_detail(user, fresh)


def _register(action: str, schema: type[ActionIn]) -> None:
    label = MOVES[action].label

    def perform(
        request: HttpRequest, payload: ActionIn, number: str = Path(..., pattern=NUMBER_PATTERN)
    ) -> dict[str, Any]:
        return _perform(request, action, number, payload)

    perform.__annotations__ = {**perform.__annotations__, "payload": schema}
    perform.__name__ = f"action_{action}"
    api.post(
        f"/orders/{{number}}/actions/{action}",
        response={200: OrderOut, **ERRORS},
        summary=f"{label}（{action}）",
        description=(
            f"对工单执行“{label}”。权限与工作台相同；expected_version 与当前版本不符 → 409；"
            "当前状态不允许 → 422 invalid_transition；无权 → 403。单位以编码、工单以编号引用。"
        ),
        tags=["actions"],
        operation_id=f"action_{action}",
    )(perform)


for _action, _schema in ACTION_BODIES.items():
    _register(_action, _schema)

"""POST requests: check what a client sent against the service and its attributes, then take
the request in through the same actions as a phone call, and hand it to the hub."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Area, Category, Channel, RequestType
from civicdesk.lib.titles import title_from
from civicdesk.open311.models import LIST_TYPES, ApiClient, Datatype, ServiceAttribute, Submission
from civicdesk.open311.publish import DESCRIPTION_MAX, services
from civicdesk.open311.render import Open311Error
from civicdesk.open311.times import parse_moment
from civicdesk.orders import actions, clock
from civicdesk.orders.models import WorkOrder

_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
_SIX_PLACES = Decimal("0.000001")
TITLE_LENGTH = 40
STRING_MAX = 255


def _bad(description: str) -> Open311Error:
    return Open311Error(400, description)


def service_by_code(code: str) -> Category | None:
    return next((c for c in services() if c.code == code), None)


def _coordinate(form: QueryDict, name: str) -> Decimal | None:
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise _bad(_("%(name)s 不是有效的数字。") % {"name": name}) from None
    if not value.is_finite() or abs(value) > 180:
        raise _bad(_("%(name)s 超出范围。") % {"name": name})
    return value.quantize(_SIX_PLACES)


def _answers(form: QueryDict) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for key in form:
        match = _ATTRIBUTE.match(key)
        if match is not None:
            values = [v.strip() for v in form.getlist(key) if v.strip()]
            answers.setdefault(match.group(1), []).extend(values)
    return answers


def check_attributes(category: Category, form: QueryDict) -> dict[str, Any]:
    """The attribute[...] answers, checked against the service definition."""
    defined = {a.code: a for a in ServiceAttribute.objects.filter(category=category)}
    answers = _answers(form)
    unknown = sorted(set(answers) - set(defined))
    if unknown:
        raise _bad(_("服务 %(service)s 没有属性：%(codes)s") % {"service": category.code, "codes": ", ".join(unknown)})
    result: dict[str, Any] = {}
    for code, attribute in sorted(defined.items(), key=lambda item: (item[1].order, item[0])):
        values = answers.get(code, [])
        if not attribute.variable:
            continue
        if not values:
            if attribute.required:
                raise _bad(
                    _("缺少必填属性 attribute[%(code)s]（%(question)s）。")
                    % {"code": code, "question": attribute.description}
                )
            continue
        result[code] = _check_value(attribute, values)
    return result


def _check_value(attribute: ServiceAttribute, values: list[str]) -> Any:
    code = attribute.code
    if attribute.datatype != Datatype.MULTI and len(values) > 1:
        raise _bad(_("属性 attribute[%(code)s] 只能填一个值。") % {"code": code})
    if attribute.datatype in LIST_TYPES:
        keys = attribute.keys()
        wrong = [v for v in values if v not in keys]
        if wrong:
            raise _bad(
                _("属性 attribute[%(code)s] 的值不在可选项中：%(values)s") % {"code": code, "values": ", ".join(wrong)}
            )
        return values if attribute.datatype == Datatype.MULTI else values[0]
    value = values[0]
    if attribute.datatype == Datatype.NUMBER:
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise _bad(_("属性 attribute[%(code)s] 应为数字。") % {"code": code})
        return value
    if attribute.datatype == Datatype.DATETIME:
        parsed = parse_moment(value)
        if parsed is None:
            raise _bad(_("属性 attribute[%(code)s] 应为 ISO 8601 日期时间。") % {"code": code})
        return parsed.isoformat()
    limit = STRING_MAX if attribute.datatype == Datatype.STRING else DESCRIPTION_MAX
    if len(value) > limit:
        raise _bad(_("属性 attribute[%(code)s] 不能超过 %(n)s 个字。") % {"code": code, "n": limit})
    return value


def _answer_lines(category: Category, answers: dict[str, Any]) -> list[str]:
    """The answers in words, for the order's content where the hub and the unit read them."""
    lines = []
    for attribute in ServiceAttribute.objects.filter(category=category, code__in=list(answers)):
        value = answers[attribute.code]
        if attribute.datatype in LIST_TYPES:
            keys = attribute.keys()
            chosen = value if isinstance(value, list) else [value]
            value = "、".join(keys.get(v) or v for v in chosen)
        lines.append(f"{attribute.description}：{value}")
    return lines


def _optional(form: QueryDict, name: str, limit: int) -> str:
    value = (form.get(name) or "").strip()
    if len(value) > limit:
        raise _bad(_("%(name)s 不能超过 %(n)s 个字。") % {"name": name, "n": limit})
    return value


def _checked(value: str, validator: URLValidator | EmailValidator, name: str) -> str:
    if value:
        try:
            validator(value)
        except ValidationError:
            raise _bad(_("%(name)s 格式不正确。") % {"name": name}) from None
    return value


def submit(client: ApiClient, form: QueryDict) -> tuple[WorkOrder, str]:
    """Create the order for one POST; returns it with its service_notice."""
    code = (form.get("service_code") or "").strip()
    if not code:
        raise _bad(_("缺少 service_code。"))
    category = service_by_code(code)
    if category is None:
        raise _bad(_("service_code %(code)s 不存在。") % {"code": code})
    latitude, longitude = _coordinate(form, "lat"), _coordinate(form, "long")
    if (latitude is None) != (longitude is None):
        raise _bad(_("lat 和 long 需同时提供。"))
    address = _optional(form, "address_string", 255)
    address_id = _optional(form, "address_id", 40)
    if latitude is None and not address and not address_id:
        raise _bad(_("请提供位置：lat/long、address_string 或 address_id 之一。"))
    area = None
    if address_id:
        area = Area.objects.filter(code=address_id, active=True).first()
        if area is None:
            raise _bad(_("address_id %(id)s 不存在。") % {"id": address_id})
    answers = check_attributes(category, form)
    description = _optional(form, "description", DESCRIPTION_MAX)
    media_url = _checked(_optional(form, "media_url", 500), URLValidator(schemes=["http", "https"]), "media_url")
    email = _checked(_optional(form, "email", 254), EmailValidator(), "email")
    name = " ".join(p for p in (_optional(form, "first_name", 50), _optional(form, "last_name", 50)) if p)
    lines = _answer_lines(category, answers)
    content = "\n".join([description or category.name, *lines]) if lines else (description or category.name)
    title = title_from(description, TITLE_LENGTH) if description.strip() else category.name[:TITLE_LENGTH]

    with transaction.atomic():
        # Holding the client's row serialises its submissions, so the count below is exact.
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        since = clock.now() - timedelta(minutes=1)
        if Submission.objects.filter(client=locked, created_at__gt=since).count() >= locked.rate_per_minute:
            message = _("提交过于频繁：每分钟最多 %(n)s 件，请稍后再试。") % {"n": locked.rate_per_minute}
            raise Open311Error(429, message)
        order = actions.create_order(
            actor=client.user,
            channel=Channel.API,
            request_type=RequestType.HELP,
            title=title,
            content=content,
            address=address,
            area=area,
            category=category,
            citizen_name=name[:50],
            citizen_phone=_optional(form, "phone", 20),
            latitude=latitude,
            longitude=longitude,
            hub=client.hub,
            intake_data={"open311_client": client.name, "attributes": answers, "media_url": media_url},
        )
        order = actions.send_to_hub(
            order, actor=client.user, note=_("经 Open311 接口（%(client)s）提交") % {"client": client.name}
        )
        Submission.objects.create(
            order=order,
            client=locked,
            attributes=answers,
            media_url=media_url,
            email=email,
            device_id=_optional(form, "device_id", 100),
            account_id=_optional(form, "account_id", 100),
            created_at=clock.now(),
        )
    notice = _("诉求已受理，工单编号 %(number)s。受理中心将按派单目录派至责任单位办理。") % {"number": order.number}
    return order, notice

"""The GeoReport v2 endpoints. Each view parses, checks, and calls one helper; every failure
ends as the standard error list (404 not found, 403 bad api_key, 400 anything else), never as
an HTML error page."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from civicdesk.open311 import publish
from civicdesk.open311.keys import authenticate
from civicdesk.open311.models import LIST_TYPES, ServiceAttribute
from civicdesk.open311.render import Open311Error, error, respond
from civicdesk.open311.submit import service_by_code, submit
from civicdesk.open311.times import parse_moment
from civicdesk.orders import clock
from civicdesk.orders.errors import ActionError, PermissionDenied
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import TERMINAL
from civicdesk.org.models import OrgUnit

logger = logging.getLogger(__name__)

MAX_RESULTS = 1000
# requests.json without page_size: the standard lets a server cap what one response returns.
# A thousand requests were 750 KB and a quarter of a second of serialising; a client pages
# through the rest (`page`, and the `Link: <…>; rel="next"` header while there is more).
DEFAULT_PAGE_SIZE = 50
WINDOW = timedelta(days=90)
SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-01-01T00:00:00+08:00"

View = Callable[..., HttpResponse]


def endpoint(*methods: str) -> Callable[[View], View]:
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def wrap(view: View) -> View:
        @functools.wraps(view)
        def run(request: HttpRequest, *args: Any, fmt: str = "xml", **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in allowed:
                    raise Open311Error(400, _("不支持 %(method)s 请求。") % {"method": request.method})
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return error(fmt, exc.status, exc.description)
            except PermissionDenied as exc:
                return error(fmt, 403, exc.message)
            except ActionError as exc:
                return error(fmt, 400, exc.message)
            except Exception:
                # The standard's "general service error"; the trace goes to the log only.
                logger.exception("open311 %s %s failed", request.method, request.path)
                return error(fmt, 400, _("服务处理出错，请稍后再试。"))

        # API clients post without a CSRF token; POST requests authenticates by api_key instead.
        return csrf_exempt(run)

    return wrap


def _params(request: HttpRequest) -> QueryDict:
    return request.POST if request.method == "POST" else request.GET


def _jurisdiction(request: HttpRequest) -> OrgUnit | None:
    code = (_params(request).get("jurisdiction_id") or request.GET.get("jurisdiction_id") or "").strip()
    if not code:
        return None
    hub = OrgUnit.objects.filter(code=code, is_hub=True, active=True).first()
    if hub is None:
        raise Open311Error(404, _("jurisdiction_id %(id)s 不存在。") % {"id": code})
    return hub


def _csv(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _int(params: QueryDict, name: str, default: int) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 1_000_000:
        raise Open311Error(400, _("%(name)s 应为 1 至 1000000 之间的整数。") % {"name": name})
    return int(raw)


def _moment(params: QueryDict, name: str, *, end: bool = False) -> datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    value = parse_moment(raw, end_of_day=end)
    if value is None:
        raise Open311Error(400, _("%(name)s 不是有效的 ISO 8601 日期时间。") % {"name": name})
    return value


def _window(params: QueryDict, *, default: bool = True) -> tuple[datetime | None, datetime | None]:
    """start_date / end_date, at most 90 days apart; the last 90 days when neither is given
    (and `default` holds)."""
    start, end = _moment(params, "start_date"), _moment(params, "end_date", end=True)
    if start is None and end is None:
        return (clock.now() - WINDOW, None) if default else (None, None)
    if start is None:
        assert end is not None
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    if end < start:
        raise Open311Error(400, _("end_date 早于 start_date。"))
    if end - start > WINDOW:
        raise Open311Error(400, _("start_date 与 end_date 的间隔不能超过 90 天。"))
    return start, end


def _paged(items: QuerySet[Any], params: QueryDict, *, default: int = MAX_RESULTS) -> tuple[list[Any], bool]:
    """One page of `items` and whether another follows."""
    page = _int(params, "page", 1)
    size = min(_int(params, "page_size", default), MAX_RESULTS)
    rows = list(items[(page - 1) * size : page * size + 1])
    return rows[:size], len(rows) > size


def _next_link(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The next page as an RFC 8288 `Link` header: the body stays the standard's plain list."""
    params = request.GET.copy()
    params["page"] = str(_int(params, "page", 1) + 1)
    response["Link"] = f'<{request.build_absolute_uri(request.path)}?{params.urlencode()}>; rel="next"'
    return response


def _extensions(params: QueryDict) -> bool:
    return (params.get("extensions") or "").strip().lower() in ("true", "1", "yes")


def _requests_body(orders: list[WorkOrder], *, extensions: bool) -> list[dict[str, Any]]:
    ids = [o.pk for o in orders]
    # Without the extensions only the last note is shown (status_notes).
    notes = publish.notes_by_order(ids) if extensions else publish.latest_notes(ids)
    return [publish.request_data(o, notes.get(o.pk, []), extensions=extensions) for o in orders]


@endpoint("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": "xml"})).rsplit("/", 1)[0]
    hub = OrgUnit.objects.filter(is_hub=True, active=True).order_by("path").first()
    contact = " ".join(p for p in (hub.name, hub.phone) if p) if hub else ""
    data = {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": _("向受理中心申请接口密钥（api_key）。"),
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            },
        ],
    }
    return respond(fmt, data, root="discovery")


@endpoint("GET")
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    _jurisdiction(request)
    categories = publish.services()
    with_attributes = set(
        ServiceAttribute.objects.filter(category__in=categories).values_list("category_id", flat=True)
    )
    data = [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": c.description or c.full_name(),
            "metadata": c.pk in with_attributes,
            "type": "realtime",
            "keywords": ", ".join(c.keywords.split()) or None,
            "group": publish.root_name(c),
        }
        for c in categories
    ]
    return respond(fmt, data, root="services", item="service")


@endpoint("GET")
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    _jurisdiction(request)
    category = service_by_code(code)
    if category is None:
        raise Open311Error(404, _("service_code %(code)s 不存在。") % {"code": code})
    attributes = []
    for a in ServiceAttribute.objects.filter(category=category).order_by("order", "code"):
        item: dict[str, Any] = {
            "variable": a.variable,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": a.datatype_description or None,
            "order": a.order,
            "description": a.description,
        }
        if a.datatype in LIST_TYPES:
            item["values"] = [{"key": key, "name": name} for key, name in a.keys().items()]
        attributes.append(item)
    return respond(fmt, {"service_code": category.code, "attributes": attributes}, root="service_definition")


@endpoint("GET", "POST")
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    params = request.GET
    orders = publish.public_orders(_jurisdiction(request))
    ids = _csv(params.get("service_request_id"))
    if ids:
        # The standard: service_request_id overrides every other filter.
        if len(ids) > MAX_RESULTS:
            raise Open311Error(400, _("一次最多查询 %(n)s 个 service_request_id。") % {"n": MAX_RESULTS})
        orders = orders.filter(number__in=ids)
    else:
        orders = _filtered(orders, params)
    listed = publish.with_relations(orders).order_by("-created_at", "-pk")
    page, more = _paged(listed, params, default=min(DEFAULT_PAGE_SIZE, MAX_RESULTS))
    response = respond(
        fmt, _requests_body(page, extensions=_extensions(params)), root="service_requests", item="request"
    )
    return _next_link(request, response) if more else response


def _filtered(orders: QuerySet[WorkOrder], params: QueryDict) -> QuerySet[WorkOrder]:
    codes = _csv(params.get("service_code"))
    if codes:
        orders = orders.filter(category__code__in=codes)
    statuses = {s.lower() for s in _csv(params.get("status"))}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status 只能是 open 或 closed。"))
    if statuses == {"open"}:
        orders = orders.exclude(state__in=TERMINAL)
    elif statuses == {"closed"}:
        orders = orders.filter(state__in=TERMINAL)
    updated_after = _moment(params, "updated_after")
    updated_before = _moment(params, "updated_before", end=True)
    if updated_after is not None:
        orders = orders.filter(updated_at__gte=updated_after)
    if updated_before is not None:
        orders = orders.filter(updated_at__lte=updated_before)
    # Asking by update time replaces the default 90 days of requested time.
    start, end = _window(params, default=updated_after is None and updated_before is None)
    if start is not None:
        orders = orders.filter(created_at__gte=start)
    if end is not None:
        orders = orders.filter(created_at__lte=end)
    return orders


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    form = request.POST
    client = authenticate(form.get("api_key") or request.GET.get("api_key"))
    if client is None:
        raise Open311Error(403, _("api_key 缺失或无效。"))
    hub = _jurisdiction(request)
    if hub is not None and not hub.path.startswith(client.hub.path):
        raise Open311Error(403, _("该 api_key 不能向 %(hub)s 提交诉求。") % {"hub": hub.code})
    order, notice = submit(client, form)
    account = (form.get("account_id") or "").strip() or None
    data = [{"service_request_id": order.number, "service_notice": notice, "account_id": account}]
    return respond(fmt, data, root="service_requests", item="request")


def _one(request: HttpRequest, number: str) -> WorkOrder:
    order = publish.with_relations(publish.public_orders(_jurisdiction(request))).filter(number=number).first()
    if order is None:
        raise Open311Error(404, _("service_request_id %(id)s 不存在。") % {"id": number})
    return order


@endpoint("GET")
def request_detail(request: HttpRequest, number: str, *, fmt: str) -> HttpResponse:
    order = _one(request, number)
    body = _requests_body([order], extensions=_extensions(request.GET))
    return respond(fmt, body, root="service_requests", item="request")


@endpoint("GET")
def token(request: HttpRequest, token_id: str, *, fmt: str) -> HttpResponse:
    # Requests are created synchronously, so the token handed out is the request id itself.
    order = _one(request, token_id)
    return respond(
        fmt, [{"service_request_id": order.number, "token": token_id}], root="service_requests", item="request"
    )


@endpoint("GET")
def request_updates(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """FixMyStreet's servicerequestupdates: the public moves of every request in a window."""
    params = request.GET
    start, end = _window(params)
    events = OrderEvent.objects.filter(
        action__in=publish.PUBLIC_ACTIONS - {"create"},
        order__in=publish.public_orders(_jurisdiction(request)),
    )
    if start is not None:
        events = events.filter(at__gte=start)
    if end is not None:
        events = events.filter(at__lte=end)
    page, more = _paged(events.select_related("order").order_by("at", "pk"), params)
    units = publish.unit_names(page)
    data = []
    for event in page:
        note = publish.note_for(event, units)
        data.append(
            {
                "update_id": str(event.pk),
                "service_request_id": event.order.number,
                "status": note.status,
                "updated_datetime": publish.moment(event.at),
                "description": note.description,
                "media_url": None,
            }
        )
    response = respond(fmt, data, root="service_request_updates", item="request_update")
    return _next_link(request, response) if more else response


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def not_found(request: HttpRequest, *, fmt: str) -> HttpResponse:
    raise Open311Error(404, _("没有这个接口：%(path)s") % {"path": request.path})

"""The rights matrix: every URL pattern of the site (enumerated from the URL resolver) × every role
(one persona each, plus a signed-in person without a role and an anonymous visitor) × an own, a
foreign and a confidential order where the page is about an order.

Each pattern is classified below by who may open it. A pattern missing from the table fails the
test, so a new page cannot ship without a decision about who may see it. A refused cell must
answer 403 or 404 (an anonymous visitor: the sign-in redirect, or 401 on the token API); an
allowed cell must not. Pages are opened by GET; pages that only take POST are posted to with an
empty form, inside a transaction that is rolled back, so no cell changes what the next one sees.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from civicdesk.catalogue.models import DispatchRule
from civicdesk.orders.models import Attachment, WorkOrder
from civicdesk.org.models import Membership, Role, User
from tests.world import World

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
PERSONAS = [
    "operator",
    "dispatcher",
    "handler_a",
    "head_a",
    "handler_b",
    "town_handler",
    "village_handler",
    "callback_agent",
    "supervisor",
    "leader",
    "admin",
    "outsider",
    "inspector",
]
HUB = frozenset({"operator", "dispatcher", "callback_agent", "supervisor", "leader"})
UNITS = frozenset({"handler_a", "head_a", "handler_b", "town_handler", "village_handler"})
STAFF = HUB | UNITS | {"admin"}
# Everyone holding a role reads the knowledge base (an inspector judges answers against it).
KB_READERS = STAFF | {"inspector"}
EVERYONE = frozenset(PERSONAS)
AUTHORS = UNITS | {"dispatcher", "admin"}
STATS = frozenset({"dispatcher", "supervisor", "leader", "admin"})
HOTSPOTS = frozenset({"dispatcher", "leader"})  # the hub's dispatchers and leaders
# Who sees which order: the hub and the admin see all three; a unit sees the orders it leads.
OBJECTS = ("own", "foreign", "confidential")  # own and confidential: led by dept_a; foreign: by dept_b
SEES = {
    **{p: set(OBJECTS) for p in HUB | {"admin"}},
    "handler_a": {"own", "confidential"},
    "head_a": {"own", "confidential"},
    "handler_b": {"foreign"},
}


@dataclass(frozen=True)
class Rule:
    """Who may open a pattern: `roles` (persona names), "public" (everyone, also anonymous) or
    "token" (the token API: nobody by session). With `order`, also only where the persona sees
    the order. `post`: the page only takes POST."""

    who: frozenset[str] | str
    order: bool = False
    post: bool = False
    kwargs: dict[str, Any] = field(default_factory=dict)
    # The object the URL names does not exist in the matrix's world (or the page needs a query
    # it does not get): an allowed persona may get 404, a refused one must still be refused.
    missing_ok: bool = False
    # Orders nobody gets through this URL (Open311 publishes no confidential request).
    hidden: frozenset[str] = frozenset()
    # Signing out: the redirect to the sign-in page is the allowed answer.
    signs_out: bool = False
    # A page that only forwards to another classified page (with the query it got): everyone
    # is sent there, and that page decides.
    forwards_to: str = ""
    # For some orders only some of `who` (e.g. a confidential caller's contact).
    per_object: dict[str, frozenset[str]] = field(default_factory=dict)


def roles(*names: str | frozenset[str]) -> frozenset[str]:
    out: set[str] = set()
    for name in names:
        out |= {name} if isinstance(name, str) else set(name)
    return frozenset(out)


PUBLIC = "public"
TOKEN = "token"
ADMIN_SITE = "admin_site"

# Every URL pattern by its namespaced name (patterns without a name: by their route).
MATRIX: dict[str, Rule] = {
    # Console
    "console:home": Rule(EVERYONE),
    "console:login": Rule(PUBLIC),
    "console:logout": Rule(EVERYONE, post=True, signs_out=True),
    "console:manage": Rule(roles("admin")),
    "console:password": Rule(EVERYONE),
    # Intake (operators; the screen pop and missed calls for the people who take calls)
    "intake:screen_pop": Rule(PUBLIC, forwards_to="/intake/new?"),
    "intake:new": Rule(roles("operator", "dispatcher")),
    "intake:done": Rule(roles("operator", "dispatcher"), order=True),
    "intake:suggest": Rule(roles("operator", "dispatcher"), post=True),
    "intake:caller": Rule(roles("operator", "dispatcher"), post=True),
    "intake:missed_calls": Rule(roles("operator", "dispatcher")),
    # Adding a call to an open order as its 催办: intake staff, on the orders they may see.
    "intake:urge": Rule(roles("operator", "dispatcher"), order=True, post=True),
    "intake:called_back": Rule(roles("operator", "dispatcher"), post=True, kwargs={"pk": 0}, missing_ok=True),
    # Click-to-dial through the CTI (404 here: no CTI configured in the tests' settings).
    "intake:dial": Rule(roles("operator", "dispatcher", "callback_agent"), post=True, missing_ok=True),
    # A call's recording: the intake roles and the listening roles (CIVICDESK_RECORDING_ROLES); who may
    # hear which call is per call (tests/intake/test_call_recordings.py).
    # 话务统计 and the calls behind its numbers: the statistics readers, within their hub's subtree.
    "intake:call_stats": Rule(STATS),
    "intake:call_drill": Rule(STATS),
    "intake:play_recording": Rule(
        roles("operator", "dispatcher", "supervisor", "leader", "admin", "inspector"), kwargs={"pk": 0}, missing_ok=True
    ),
    # Orders
    "orders:inbox": Rule(UNITS),
    "orders:inbox_inline": Rule(UNITS, order=True, post=True, kwargs={"action": "sign"}),
    "orders:inbox_move": Rule(UNITS, order=True, kwargs={"action": "request_return"}),
    "orders:dispatch_board": Rule(roles("dispatcher")),
    "orders:hub_bulk_dispatch": Rule(roles("dispatcher"), post=True),
    "orders:hub_review": Rule(roles("dispatcher"), order=True, post=True, kwargs={"action": "accept_reply"}),
    "orders:callbacks": Rule(roles("callback_agent")),
    "orders:callback": Rule(roles("callback_agent"), order=True),
    "orders:supervision": Rule(roles("dispatcher", "supervisor", "leader")),
    "orders:hub_escalate": Rule(roles("supervisor"), order=True, post=True),
    "orders:search": Rule(EVERYONE),
    "orders:detail": Rule(EVERYONE, order=True),
    "orders:attachment": Rule(EVERYONE, order=True),
    "orders:attachment_thumbnail": Rule(EVERYONE, order=True),
    "orders:act": Rule(EVERYONE, order=True, post=True, kwargs={"action": "reply"}),
    "orders:joint": Rule(EVERYONE, order=True),
    # Anyone who sees the order may ask; whether the number is then shown is the contact rules'
    # business (tests/console/test_personal_data.py), not this page's.
    # A confidential caller's contact: only for the hub's working roles (can_see_identity),
    # not the units, the leader or the admin.
    "orders:reveal": Rule(
        EVERYONE,
        order=True,
        post=True,
        per_object={"confidential": roles("operator", "dispatcher", "callback_agent", "supervisor")},
    ),
    "orders:merge": Rule(roles("dispatcher"), order=True),
    # Administration pages of the console
    **{
        f"org:{name}": Rule(roles("admin"), post=name.endswith(("activate", "delete", "active", "unlock", "password")))
        for name in (
            "tree",
            "unit_new",
            "unit_edit",
            "unit_deactivate",
            "unit_activate",
            "users",
            "user_new",
            "user",
            "user_active",
            "user_unlock",
            "user_reset_password",
            "membership_delete",
        )
    },
    "catalogue:tree": Rule(roles("admin")),
    "catalogue:rule_new": Rule(roles("admin")),
    "catalogue:rule_edit": Rule(roles("admin")),
    "worktime:limits": Rule(roles("admin")),
    "worktime:limit_new": Rule(roles("admin")),
    "worktime:limit_edit": Rule(roles("admin"), kwargs={"pk": 0}, missing_ok=True),
    "worktime:limit_delete": Rule(roles("admin"), post=True, kwargs={"pk": 0}, missing_ok=True),
    "worktime:calendar": Rule(roles("admin")),
    "worktime:calendar_import": Rule(roles("admin")),
    "worktime:calendar_edit": Rule(roles("admin"), kwargs={"pk": 0}, missing_ok=True),
    "worktime:calendar_delete": Rule(roles("admin"), post=True, kwargs={"pk": 0}, missing_ok=True),
    "worktime:calendar_year_done": Rule(roles("admin"), post=True),
    # The duty roster: the hub's admin, dispatchers and leaders read it, unit heads keep their unit's.
    "worktime:duty": Rule(roles("admin", "dispatcher", "leader", "head_a")),
    "worktime:duty_copy": Rule(roles("admin", "head_a"), post=True),
    "worktime:duty_delete": Rule(roles("admin"), post=True, kwargs={"pk": 0}, missing_ok=True),
    # The seat schedule's hourly staffing (Erlang C beside the plan): who reads the hub's roster.
    "intake:staffing": Rule(roles("admin", "dispatcher", "leader")),
    # Quality inspection (质检): inspectors work the queue and score; leaders read it and decide
    # appeals too; the operator reads their own results and appeals (pk 0: nobody's inspection).
    "quality:queue": Rule(roles("inspector", "leader")),
    "quality:fill": Rule(roles("inspector"), post=True),
    "quality:mine": Rule(roles("operator")),
    "quality:report": Rule(roles("inspector", "leader", "admin")),
    "quality:inspection": Rule(roles("inspector", "leader", "operator"), kwargs={"pk": 0}, missing_ok=True),
    "quality:score": Rule(roles("inspector"), post=True, kwargs={"pk": 0}, missing_ok=True),
    "quality:appeal": Rule(roles("operator"), post=True, kwargs={"pk": 0}, missing_ok=True),
    "quality:decide": Rule(roles("inspector", "leader"), post=True, kwargs={"pk": 0}, missing_ok=True),
    "runtime:status": Rule(roles("admin")),
    "notifications:unknown": Rule(roles("admin")),
    "upstream:reports": Rule(roles("admin")),
    "upstream:requeue": Rule(roles("admin"), post=True, kwargs={"message_id": 0}),
    # A platform's machine call, authenticated by its own token: nobody by session.
    "upstream:push": Rule(TOKEN, kwargs={"code": "none"}),
    "upstream:answer": Rule(TOKEN, kwargs={"code": "none"}),
    "upstream:moves": Rule(TOKEN, kwargs={"code": "none"}),
    "upstream:hub_reports": Rule(TOKEN, kwargs={"code": "none"}),
    "notifications:settle": Rule(roles("admin"), post=True, kwargs={"message_id": 0, "decision": "sent"}),
    # Open311 (public reading; writing by api_key) and the internal API (bearer tokens only)
    "open311:discovery": Rule(PUBLIC, kwargs={"fmt": "json"}),
    "open311:services": Rule(PUBLIC, kwargs={"fmt": "json"}),
    "open311:service": Rule(PUBLIC, kwargs={"code": "none", "fmt": "json"}),
    "open311:requests": Rule(PUBLIC, kwargs={"fmt": "json"}),
    "open311:request": Rule(PUBLIC, order=True, kwargs={"fmt": "json"}, hidden=frozenset({"confidential"})),
    "open311:token": Rule(PUBLIC, kwargs={"token_id": "none", "fmt": "json"}),
    "open311:updates": Rule(PUBLIC, kwargs={"fmt": "json"}),
    "open311:open311/<path:rest>": Rule(PUBLIC, kwargs={"rest": "nothing"}),
    "open311:open311/": Rule(PUBLIC),
    "api/^(?P<rest>.*)$": Rule(PUBLIC, kwargs={"rest": "nothing"}),
    "api-v1:openapi-json": Rule(PUBLIC),
    # The citizen portal: no account; an order's pages need the number and the phone's digits.
    "portal:home": Rule(PUBLIC),
    "portal:submit": Rule(PUBLIC),
    "portal:submitted": Rule(PUBLIC, order=True),
    "portal:answers": Rule(PUBLIC, post=True),
    "portal:captcha": Rule(PUBLIC),
    "portal:captcha_image": Rule(PUBLIC, kwargs={"key": "none"}),
    "portal:captcha_audio": Rule(PUBLIC, kwargs={"key": "none"}),
    "portal:track": Rule(PUBLIC),
    "portal:order": Rule(PUBLIC, order=True),
    "portal:supplement": Rule(PUBLIC, order=True, post=True),
    # 催办 and +1 from the tracking page: the page itself sends anyone not verified back to tracking.
    "portal:urge": Rule(PUBLIC, order=True, post=True),
    "portal:support": Rule(PUBLIC, order=True, post=True, kwargs={"other": "2026010100001"}),
    "portal:withdraw": Rule(PUBLIC, order=True, post=True),
    "portal:rate": Rule(PUBLIC, kwargs={"token": "none"}),
    # Online one-to-one: the citizen's side is public (the chat is the session's own); the desk is
    # the hub's operators and dispatchers; its figures also the hub's supervisors and leaders.
    "chat:home": Rule(PUBLIC),
    "chat:messages": Rule(PUBLIC, missing_ok=True),
    "chat:send": Rule(PUBLIC, post=True),
    "chat:leave": Rule(PUBLIC, post=True),
    "chat:desk": Rule(roles("operator", "dispatcher")),
    "chat:queue": Rule(roles("operator", "dispatcher")),
    "chat:figures": Rule(roles("operator", "dispatcher", "supervisor", "leader", "admin")),
    # The chats behind a number of the dashboard's online desk section: the statistics readers.
    "chat:drill": Rule(STATS),
    "chat:conversation": Rule(roles("operator", "dispatcher"), kwargs={"pk": 0}, missing_ok=True),
    "chat:desk_messages": Rule(roles("operator", "dispatcher"), kwargs={"pk": 0}, missing_ok=True),
    "chat:take": Rule(roles("operator", "dispatcher"), post=True, kwargs={"pk": 0}, missing_ok=True),
    "chat:say": Rule(roles("operator", "dispatcher"), post=True, kwargs={"pk": 0}, missing_ok=True),
    "chat:end": Rule(roles("operator", "dispatcher"), post=True, kwargs={"pk": 0}, missing_ok=True),
    # Knowledge base: staff read it; authors (dispatchers, units, the admin) write; the intake
    # panel is for the people who take calls.
    "knowledge:list": Rule(KB_READERS),
    "knowledge:search": Rule(KB_READERS),
    "knowledge:review_queue": Rule(roles("admin", "dispatcher")),
    "knowledge:new": Rule(AUTHORS),
    "knowledge:detail": Rule(KB_READERS, kwargs={"pk": 0}, missing_ok=True),
    "knowledge:edit": Rule(AUTHORS, kwargs={"pk": 0}, missing_ok=True),
    "knowledge:move": Rule(AUTHORS, post=True, kwargs={"pk": 0, "move": "submit"}, missing_ok=True),
    "knowledge:export": Rule(KB_READERS),
    "knowledge:import": Rule(AUTHORS),
    "knowledge:dictionary": Rule(roles("admin")),
    "knowledge:intake_answers": Rule(roles("operator", "dispatcher"), post=True),
    "knowledge:order_panel": Rule(STAFF, order=True),
    "knowledge:from_reply": Rule(STAFF, order=True, post=True),
    # Statistics: the hub's dispatchers, supervisors and leaders, and the admin
    "hotspots:list": Rule(HOTSPOTS),
    "hotspots:detail": Rule(HOTSPOTS, kwargs={"pk": 0}, missing_ok=True),
    "hotspots:act": Rule(HOTSPOTS, post=True, kwargs={"pk": 0, "action": "confirm"}, missing_ok=True),
    "statistics:dashboard": Rule(STATS),
    "statistics:dashboard_json": Rule(STATS),
    "statistics:drill": Rule(STATS, missing_ok=True),
    "statistics:topic": Rule(STATS),
    "statistics:quality": Rule(STATS),
    "statistics:procedures": Rule(STATS),
    "statistics:export_table": Rule(STATS, missing_ok=True),
    "statistics:export_orders": Rule(STATS, missing_ok=True),
    "statistics:exports": Rule(STATS),
    "statistics:export_download": Rule(STATS, kwargs={"pk": 0}, missing_ok=True),
    "statistics:assessment": Rule(STATS),
    "statistics:assessment_orders": Rule(STATS, missing_ok=True),
    "statistics:assessment_export": Rule(STATS),
    "statistics:briefings": Rule(STATS),
    "statistics:briefing": Rule(STATS, kwargs={"pk": 0}, missing_ok=True),
    "statistics:briefing_pdf": Rule(STATS, kwargs={"pk": 0}, missing_ok=True),
    # Dispatch model: the admin runs it; the hub may read its accuracy
    "routing:versions": Rule(roles("admin")),
    "routing:train": Rule(roles("admin"), post=True),
    "routing:activate": Rule(roles("admin"), post=True, kwargs={"number": 0}, missing_ok=True),
    "routing:auto": Rule(roles("admin")),
    "routing:accuracy": Rule(roles("admin", "dispatcher", "supervisor", "leader")),
    "routing:undo": Rule(roles("dispatcher"), order=True, post=True),
    # Enterprises (驻企服务): "mine" is the liaison officers' page (no persona here is one)
    "enterprises:home": Rule(STAFF - {"operator", "callback_agent"}),
    "enterprises:mine": Rule(roles()),
    "enterprises:search": Rule(roles("operator", "dispatcher")),
    "enterprises:link": Rule(STAFF, order=True, post=True),
    "enterprises:board": Rule(STAFF - {"operator", "callback_agent"}),
    "enterprises:licences": Rule(UNITS),
    "enterprises:renew": Rule(STAFF, post=True, kwargs={"pk": 0}, missing_ok=True),
    # 惠企政策: the library is read by all staff; the hub's dispatchers and admins keep it; a
    # company's measures are for the hub and the liaison officers stationed there; the portal's
    # search needs no account.
    "policies:library": Rule(KB_READERS),
    "policies:new": Rule(roles("dispatcher", "admin")),
    "policies:import": Rule(roles("dispatcher", "admin")),
    "policies:mine": Rule(roles()),
    "policies:detail": Rule(STAFF, kwargs={"pk": 0}, missing_ok=True),
    "policies:edit": Rule(roles("dispatcher", "admin"), kwargs={"pk": 0}, missing_ok=True),
    "policies:withdraw": Rule(roles("dispatcher", "admin"), post=True, kwargs={"pk": 0}, missing_ok=True),
    "policies:cite": Rule(STAFF, post=True, kwargs={"pk": 0}, missing_ok=True),
    "policies:company": Rule(roles("dispatcher", "supervisor", "leader", "admin"), kwargs={"pk": 0}, missing_ok=True),
    "policies:order_panel": Rule(STAFF, order=True),
    "policies:article_panel": Rule(KB_READERS, kwargs={"pk": 0}),
    # 并联审批: anyone with a role sees the applications they may see (the order's visibility);
    # the matrix's orders are no applications, so the status page answers 404 to all.
    "approvals:list": Rule(KB_READERS),
    "approvals:stats": Rule(KB_READERS),
    # Opening an application takes it in and dispatches it: the hub's intake and dispatch desks
    # (and liaison officers for their companies, who are not personas of the matrix).
    "approvals:new": Rule(roles("operator", "dispatcher")),
    "approvals:status": Rule(STAFF, order=True, missing_ok=True),
    "policy_portal:list": Rule(PUBLIC),
    "policy_portal:detail": Rule(PUBLIC, kwargs={"code": "none"}, missing_ok=True),
    # Plumbing
    "healthz": Rule(PUBLIC),
    "favicon": Rule(PUBLIC),
    # Django admin's own sign-in and sign-out pages (the rest of the admin is for staff accounts).
    "admin:login": Rule(PUBLIC),
    "admin:logout": Rule(PUBLIC),
    "set_language": Rule(PUBLIC, post=True),
}
# Whole namespaces with one rule: Django admin (staff accounts only; no persona is staff) and
# the bearer-token API.
NAMESPACES = {"admin": ADMIN_SITE, "api-v1": TOKEN}


def _patterns() -> list[tuple[str, str, URLPattern]]:
    """(key, route, pattern) for every URL pattern of the site."""
    found: list[tuple[str, str, URLPattern]] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, prefix + str(entry.pattern), inner)
            else:
                route = prefix + str(entry.pattern)
                found.append((f"{namespace}{entry.name or route}", route, entry))

    walk(get_resolver(), "", "")
    return found


def _namespace(key: str) -> str:
    return key.split(":", 1)[0] if ":" in key else ""


def test_every_url_pattern_is_classified() -> None:
    unclassified = sorted(
        key for key, _route, _p in _patterns() if key not in MATRIX and _namespace(key) not in NAMESPACES
    )
    assert unclassified == [], "classify these pages in MATRIX (who may open them)"
    stale = sorted(set(MATRIX) - {key for key, _r, _p in _patterns()})
    assert stale == [], "these classified pages no longer exist"


# ---------------------------------------------------------------- running the matrix


def _url(route: str, values: dict[str, Any]) -> str:
    """The route with its parameters filled in (Django's converters and regex groups alike)."""
    url = route
    for name, value in values.items():
        url = re.sub(rf"\(\?P<{name}>[^)]*\)", str(value), url)
        url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
    url = url.replace("^", "").replace("$", "").replace("\\.", ".")
    assert "<" not in url and "(?P" not in url, f"no value for a parameter of {route}"
    return "/" + url


def _fill(route: str, rule: Rule, w: World, orders: dict[str, WorkOrder], obj: str | None) -> dict[str, Any]:
    params = set(re.findall(r"<(?:\w+:)?(\w+)>", route)) | set(re.findall(r"\(\?P<(\w+)>", route))
    values: dict[str, Any] = {"fmt": "json", "pk": 0, "action": "sign"}
    if obj is not None:
        values["number"] = orders[obj].number
        attachment = orders[obj].attachments.first()
        values["pk"] = attachment.pk if attachment is not None else 0
    if route.startswith("manage/org/units/"):
        values["pk"] = w.dept_b.pk
    elif route.startswith("manage/org/users/"):
        values["pk"] = w.handler_b.pk
        values["membership_pk"] = Membership.objects.get(user=w.handler_b).pk
    elif route.startswith("manage/catalogue/rules/"):
        values["pk"] = DispatchRule.objects.order_by("pk").first().pk  # type: ignore[union-attr]
    values.update(rule.kwargs)
    return {k: v for k, v in values.items() if k in params}


@dataclass
class Cell:
    key: str
    persona: str
    obj: str | None
    status: int
    location: str
    rule: Rule | str

    @property
    def allowed(self) -> bool:
        return _allowed(self.rule, self.persona, self.obj)

    def refused_answer(self) -> bool:
        to_sign_in = self.status == 302 and self.location.startswith(("/login/", "/admin/login/"))
        token = self.rule == TOKEN or (isinstance(self.rule, Rule) and self.rule.who == TOKEN)
        token_api = token and self.status in (401, 405)
        return (
            self.status in (403, 404) or to_sign_in or token_api or (self.persona == ANONYMOUS and self.status == 401)
        )

    def holds(self) -> bool:
        if self.status >= 500:
            return False
        if not self.allowed:
            return self.refused_answer()
        rule = self.rule
        if isinstance(rule, Rule) and rule.signs_out:
            return self.status == 302
        if isinstance(rule, Rule) and rule.forwards_to:
            return self.status == 302 and self.location.startswith(rule.forwards_to)
        if isinstance(rule, Rule) and (rule.missing_ok or rule.who == PUBLIC) and self.status == 404:
            return True
        return not self.refused_answer()

    def __str__(self) -> str:
        expected = "allowed" if self.allowed else "refused"
        where = f" → {self.location}" if self.status == 302 else ""
        return f"{self.key} · {self.persona} · {self.obj or '-'}: {self.status}{where} ({expected})"


def _allowed(rule: Rule | str, persona: str, obj: str | None) -> bool:
    who = rule.who if isinstance(rule, Rule) else rule
    if who in (TOKEN, ADMIN_SITE):
        return False
    if isinstance(rule, Rule) and obj in rule.hidden:
        return False
    if isinstance(rule, Rule) and obj in rule.per_object and persona not in rule.per_object[obj]:
        return False
    if who == PUBLIC:
        return True
    if persona == ANONYMOUS or persona not in who:  # type: ignore[operator]
        return False
    return obj is None or obj in SEES.get(persona, set())


def _request(client: Client, url: str, post: bool) -> Any:
    # Every cell in its own transaction, rolled back: a POST with an empty form must change
    # nothing for the cells after it even if it were accepted.
    # The browser's cookies are kept as well (a sign-out or a language switch stays in its cell).
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.post(url, {}) if post else client.get(url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


def _persona(w: World, name: str) -> User:
    if name == "inspector":  # the quality inspector (质检员) is not one of the shared world's people
        found = User.objects.filter(username="inspector").first()
        return found or w.person("inspector", "质检员小周", (w.hub, Role.INSPECTOR))
    user: User = getattr(w, name)
    return user


def run_matrix(w: World) -> list[Cell]:
    orders = {
        "own": w.signed(),
        "foreign": actions_dispatch(w, w.dept_b),
        "confidential": w.signed(confidential=True, citizen_phone="13911112222"),
    }
    for order in orders.values():  # a photo on each, for the attachment page
        Attachment.objects.create(
            order=order,
            file=ContentFile(b"\x89PNG photo", name="photo.png"),
            original_name="photo.png",
            content_type="image/png",
            size=11,
        )
    clients: dict[str, Client] = {ANONYMOUS: Client(raise_request_exception=False)}
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        client.force_login(_persona(w, persona))
        clients[persona] = client
    cells: list[Cell] = []
    for key, route, _pattern in _patterns():
        rule: Rule | str = MATRIX.get(key) or NAMESPACES[_namespace(key)]
        post = rule.post if isinstance(rule, Rule) else False
        order_page = isinstance(rule, Rule) and rule.order
        for obj in OBJECTS if order_page else (None,):
            if isinstance(rule, Rule):
                url = _url(route, _fill(route, rule, w, orders, obj))
            else:
                url = _url(route, _admin_values(route))
            for persona, client in clients.items():
                response = _request(client, url, post)
                location = response.get("Location", "") if response.has_header("Location") else ""
                cells.append(Cell(key, persona, obj, response.status_code, location, rule))
    return cells


def _admin_values(route: str) -> dict[str, Any]:
    names = set(re.findall(r"<(?:\w+:)?(\w+)>", route)) | set(re.findall(r"\(\?P<(\w+)>", route))
    values = {
        "object_id": "1",
        "id": "1",
        "app_label": "org",
        "content_type_id": "1",
        "url": "x",
        "uidb64": "x",
        "token": "x",
        "number": "2026010100001",
        "rest": "x",
    }
    return {k: v for k, v in values.items() if k in names}


def actions_dispatch(w: World, unit: Any) -> WorkOrder:
    from civicdesk.orders import actions

    return actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=unit)


def test_every_role_gets_exactly_its_pages(w: World) -> None:
    cells = run_matrix(w)
    broken = [str(cell) for cell in cells if not cell.holds()]
    allowed = sum(cell.allowed for cell in cells)
    patterns = {cell.key for cell in cells}
    order_patterns = {cell.key for cell in cells if cell.obj is not None}
    print(
        f"\nrights matrix: {len(patterns)} URL patterns ({len(order_patterns)} of them about an order, each with "
        f"an own, a foreign and a confidential order) × {len(PERSONAS) + 1} personas (anonymous included): "
        f"{len(cells)} cells checked ({allowed} allowed, {len(cells) - allowed} refused), "
        f"{len(cells) - len(broken)} pass, {len(broken)} fail"
    )
    if os.environ.get("RIGHTS_MATRIX_DUMP"):  # a file to read the failing cells from
        with open(os.environ["RIGHTS_MATRIX_DUMP"], "w", encoding="utf-8") as out:
            out.write("\n".join(broken))
    assert broken == []

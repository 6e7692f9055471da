"""The console's navigation, decided by the roles a person holds."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from civicdesk.chat.desk import waiting_chats
from civicdesk.intake.calls import missed_calls
from civicdesk.orders import queues
from civicdesk.org.models import Role, User
from civicdesk.worktime.duty import may_see_roster

# (url name, label, roles that see it, access key, queue whose size is shown); labels are
# marked for extraction here and translated when the menu is built.
_ITEMS: list[tuple[str, str, set[str] | None, str, Any]] = [
    ("console:home", gettext_noop("首页"), None, "h", None),
    ("intake:new", gettext_noop("受理"), {Role.OPERATOR, Role.DISPATCHER, Role.LIAISON}, "n", None),
    ("intake:missed_calls", gettext_noop("未接来电"), {Role.OPERATOR, Role.DISPATCHER}, "", missed_calls),
    # Operators staff the chat (dispatchers reach the desk from the intake page, their menu is full).
    ("chat:desk", gettext_noop("网上咨询"), {Role.OPERATOR}, "", waiting_chats),
    ("orders:dispatch_board", gettext_noop("派单"), {Role.DISPATCHER}, "d", queues.pending_dispatch),
    ("orders:inbox", gettext_noop("承办"), {Role.HANDLER, Role.UNIT_HEAD}, "i", lambda u: _inbox_counted(u)),
    ("orders:callbacks", gettext_noop("回访"), {Role.CALLBACK_AGENT}, "c", queues.callback_queue),
    ("orders:supervision", gettext_noop("督办"), {Role.SUPERVISOR, Role.LEADER, Role.DISPATCHER}, "s", None),
    (
        "enterprises:home",
        gettext_noop("企业服务"),
        {Role.LIAISON, Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.HANDLER, Role.UNIT_HEAD},
        "e",
        None,
    ),
    ("orders:search", gettext_noop("查询"), None, "q", None),
    ("knowledge:list", gettext_noop("知识库"), None, "k", None),
    (
        "statistics:dashboard",
        gettext_noop("统计"),
        {Role.LEADER, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN},
        "t",
        None,
    ),
    ("hotspots:list", gettext_noop("热点"), {Role.LEADER, Role.DISPATCHER}, "", None),
    # Quality inspection: the inspectors' queue (leaders decide appeals there and read the report),
    # and each operator's own results to read and appeal.
    ("quality:queue", gettext_noop("质检"), {Role.INSPECTOR, Role.LEADER}, "", None),
    ("quality:mine", gettext_noop("我的质检"), {Role.OPERATOR}, "", None),
    ("routing:versions", gettext_noop("智能派单"), {Role.ADMIN}, "r", None),
    ("console:manage", gettext_noop("管理"), {Role.ADMIN}, "m", None),
]


# The badges count at most this many and then say "99+": they are drawn on every page, and an
# exact count of a long queue is not worth reading it all each time (issue #20).
BADGE_CAP = 99


def _inbox_counted(user: User) -> QuerySet[Any]:
    """As much of the unit inbox as its badge counts (queues.unit_inbox's `first`)."""
    return queues.unit_inbox(user, first=BADGE_CAP + 1)


def badge(queue: Any, user: User) -> str:
    """The size of `user`'s queue for a menu badge: "" for none, "99+" past the cap."""
    return _badge_text(queue(user)[: BADGE_CAP + 1].count())


def _badge_text(count: int) -> str:
    if not count:
        return ""
    return f"{BADGE_CAP}+" if count > BADGE_CAP else str(count)


def badges(queues: list[QuerySet[Any]]) -> list[str]:
    """badge() of each queue, all counted in one round trip: the menu is drawn on every page,
    and a dispatcher's has two badges (missed calls, orders waiting for dispatch)."""
    counts: list[int | None] = []
    selects: list[str] = []
    params: list[Any] = []
    for qs in queues:
        capped = qs.order_by().values("pk")[: BADGE_CAP + 1]
        try:
            sql, found = capped.query.sql_with_params()
        except EmptyResultSet:  # a queue that cannot hold anything (no units)
            counts.append(0)
            continue
        counts.append(None)
        # The ORM's own SQL for the queue; its values stay parameters.
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) badge{len(selects)})")  # noqa: S608
        params.extend(found)
    if selects:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(selects), params)
            row = iter(cursor.fetchone())
        counts = [next(row) if count is None else count for count in counts]
    return [_badge_text(int(count or 0)) for count in counts]


def _menu_label(label: str) -> str:
    """The menu's word for a page: a shorter one where a language has it under the "navbar"
    context (English "Knowledge" for 知识库: the menu must fit 1366 px), else the page's name."""
    short = pgettext("navbar", label)
    return short if short != label else _(label)


@cache
def _reversed(url_name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(url_name, urlconf=urlconf)


def _url(url_name: str) -> str:
    """reverse(url_name), worked out once per script prefix and URL configuration: the menu
    is drawn on every page, and its links do not change between requests."""
    return _reversed(url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def items_for(user: User, current_path: str) -> list[dict[str, Any]]:
    roles = user.roles
    items = []
    counted: list[tuple[dict[str, Any], QuerySet[Any]]] = []
    for url_name, label, allowed, key, queue in _ITEMS:
        if allowed is not None and not (roles & allowed):
            continue
        url = _url(url_name)
        item = {
            "url": url,
            "label": _menu_label(label),
            "key": key,
            "active": current_path == url if url == "/" else current_path.startswith(url),
            "count": "",
        }
        items.append(item)
        if queue is not None:
            counted.append((item, queue(user)))
    for (item, _queue), count in zip(counted, badges([q for _item, q in counted]), strict=True):
        item["count"] = count
    return items


def context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    units = sorted({m.unit.name for m in user.memberships_list})
    return {
        "nav": items_for(user, request.path),
        "user_units": "、".join(units[:2]),
        "may_see_roster": may_see_roster(user),
    }

"""The queue pages: search. (The unit inbox lives in orders.views.unit, the callback queue in
orders.views.callbacks; the dispatch board and its review queues in orders.views.board,
merging in orders.views.merge, supervision in orders.views.supervision.)"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.db.models.lookups import Contains
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.lib.phones import normalised_phone
from civicdesk.lib.replica import replica_reads
from civicdesk.orders import search as order_search
from civicdesk.orders.models import PHONE_SEARCH, PersonalDataAccess, WorkOrder
from civicdesk.orders.permissions import identity_visible, visible_orders
from civicdesk.orders.privacy import log_phone_search
from civicdesk.orders.workflow import State
from civicdesk.org.models import Role, User
from civicdesk.org.web import current_user

PAGE_SIZE = 50


def _page(request: HttpRequest, orders: QuerySet[WorkOrder]) -> object:
    orders = orders.select_related("lead_unit", "category", "area")
    return Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))


def _render(request: HttpRequest, title: str, sections: list[tuple[str, object]], **extra: object) -> HttpResponse:
    return render(request, "orders/queue.html", {"title": title, "sections": sections, **extra})


_NUMBER = re.compile(r"^\d{13}$")
_PHONE = re.compile(r"^\+?[\d\-. ()]{4,24}$")
# Who may find orders by part of a caller's number: those who see callers' numbers anyway
# (orders.views.detail.CONTACT_ROLES). Everyone else must type the whole number, so that
# a masked 138****9216 cannot be completed by searching 1380, 1381, ...
PARTIAL_PHONE_ROLES = {Role.OPERATOR, Role.DISPATCHER, Role.CALLBACK_AGENT}
FULL_PHONE_MIN_DIGITS = 7
# Whole-number searches an hour for the others: enough for work, too few to walk a masked range.
PHONE_SEARCHES_PER_HOUR = 30


def _too_many_phone_searches() -> str:
    return _("按电话查询过于频繁，请一小时后再试。")


def _is_phone_query(query: str) -> bool:
    return bool(_PHONE.match(query)) and not _NUMBER.match(query) and sum(c.isdigit() for c in query) >= 4


def _phone_search(user: User, query: str, orders: QuerySet[WorkOrder]) -> tuple[QuerySet[WorkOrder], str]:
    """Orders found by a phone number, and a message when the search was refused. Every
    search is recorded (who, when, what) in the personal-data access log."""
    digits = re.sub(r"\D", "", query)
    partial = bool(user.roles & PARTIAL_PHONE_ROLES)
    if not partial:
        since = timezone.now() - timedelta(hours=1)
        recent = PersonalDataAccess.objects.filter(user=user, fields=PHONE_SEARCH, at__gte=since).count()
        if recent >= getattr(settings, "CIVICDESK_PHONE_SEARCHES_PER_HOUR", PHONE_SEARCHES_PER_HOUR):
            return orders.none(), _too_many_phone_searches()
    log_phone_search(user, digits)
    known = orders.filter(identity_visible(user))
    if partial and normalised_phone(digits) is None:
        # Part of a number: on lower(citizen_phone), the expression PostgreSQL's trigram index
        # is built on (orders migration 0013); digits are unchanged by it. A lookup rather than
        # an annotation, so that the digits' word search can be OR-ed to it.
        return known.filter(Contains(Lower("citizen_phone"), digits)), ""
    if len(digits) < FULL_PHONE_MIN_DIGITS:
        return orders.none(), _("按电话查询须输入完整号码。")
    # A whole number (typed with or without spaces and dashes): one look-up in its index.
    whole = ("+" if query.startswith("+") else "") + digits
    return order_search.by_whole_number(known, whole), ""


def _word_search(
    user: User,
    orders: QuerySet[WorkOrder],
    words: list[str],
    *,
    substring_test: bool = True,
    since: datetime | None = None,
) -> QuerySet[WorkOrder]:
    """The orders holding every word in their title, content or address, as the user may
    read them (`substring_test`, `since`: as for search.by_words)."""
    orders = order_search.by_words(orders, words, substring_test=substring_test, since=since)
    if any(sum(c.isdigit() for c in word) >= 4 for word in words):
        # Digits in the words may be part of a confidential caller's number in the text.
        orders = orders.filter(identity_visible(user))
    for word in words:
        # The text of an order whose caller the user may not know is shown with the caller's
        # name masked: finding it by that name would tell who called.
        orders = orders.exclude(~identity_visible(user) & Q(citizen_name__icontains=word))
    return orders


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Orders by number, phone or words. The search box posts, so that a phone number never
    lands in a URL (and so in access logs and browser history); a search by number or words
    is turned into an ordinary link (GET) to keep results linkable."""
    user = current_user(request)
    params = request.POST if request.method == "POST" else request.GET
    query = (params.get("q") or "").strip()[:100]
    state = params.get("state")
    if request.method == "POST" and not _is_phone_query(query):
        wanted = {k: v for k, v in (("q", query), ("state", state or ""), ("page", params.get("page", ""))) if v}
        return redirect(f"{reverse('orders:search')}?{urlencode(wanted)}")
    visible = visible_orders(user)
    orders = counted = visible
    newest = counted_recent = None
    refused = ""
    if query:
        if _NUMBER.match(query):
            orders = counted = visible.filter(number=query)
        elif _is_phone_query(query):
            by_phone, refused = _phone_search(user, query, visible)
            if " " not in query and refused != _too_many_phone_searches():
                # Digits may as well be words of the text ("12345", a house number).
                by_phone |= _word_search(user, visible, [query])
            orders = counted = by_phone
        else:
            words = query.split()
            orders = _word_search(user, visible, words)
            # The same orders, counted without reading their text where the index suffices.
            counted = _word_search(user, visible, words, substring_test=False)
            # And those of the last week and of the last quarter, found through the week index:
            # the page's first query, and its count when the week holds fewer than the cap.
            week, quarter = (timezone.now() - span for span in order_search.RECENT_WINDOWS)
            newest = _word_search(user, visible, words, since=week)
            counted_recent = _word_search(user, visible, words, substring_test=False, since=quarter)
    if state in State.values:
        orders, counted = orders.filter(state=state), counted.filter(state=state)
        newest = newest.filter(state=state) if newest is not None else None
        counted_recent = counted_recent.filter(state=state) if counted_recent is not None else None
    ids = orders.order_by("-created_at", "-pk").values_list("pk", flat=True)
    newest_ids = newest.order_by("-created_at", "-pk").values_list("pk", flat=True) if newest is not None else None
    # The history can hold a million orders: count at most COUNT_CAP of the matches, and past
    # the cap read the page from recent orders first (search.SearchPaginator). The page's ids
    # first, then those orders with what the list shows: the planner cannot guess how many
    # orders hold a word, and joined the units and categories to every match (99 ms instead
    # of 13 for a common word at 100,000 orders).
    # The matches from the replica when there is one (civicdesk.lib.replica): the search is the
    # heaviest read of the queues. The phone-search log above was written to the primary.
    with replica_reads():
        paginator = order_search.SearchPaginator(
            ids, PAGE_SIZE, counted=counted, newest=newest_ids, counted_recent=counted_recent
        )
        page = paginator.get_page(params.get("page"))
        rows = WorkOrder.objects.select_related("lead_unit", "category", "area").in_bulk(list(page.object_list))
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return _render(
        request,
        _("工单查询"),
        [(_("查询结果"), page)],
        query=query,
        search=True,
        # Paging through a phone search posts again rather than putting the number in a link.
        post_paging=request.method == "POST",
        refused=refused,
        states=State.choices,
        chosen_state=state or "",
    )

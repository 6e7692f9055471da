"""Keeping hotspots up to date as orders arrive (the incremental update).

For a new order: read its features (civicdesk.text.similar, with the city's gazetteer), look
up the hotspots of its hub that share a place or a rare matter word and were active within
the window (one indexed query on Key), compare the order with each one's profile, and add it
to the best match or start a new hotspot. A hotspot is shown once it has MIN_ORDERS orders
from at least two callers; smaller ones are the seeds later orders grow.

`rebuild` runs the same step over the orders of a period in time order (the demo, a first
install, or after the thresholds changed).
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.catalogue.gazetteer import city_reader
from civicdesk.catalogue.models import Area
from civicdesk.hotspots.models import Event, Hotspot, Key, Member
from civicdesk.orders.models import Urgency, WorkOrder
from civicdesk.orders.store import RecordedEvent, Store
from civicdesk.orders.workflow import State
from civicdesk.text import similar

ACTIONS = ("create", "void")
# WorkOrder.support_count (+1 / 附议 from the portal) where the installed core has it.
SUPPORT_FIELD = "support_count" if any(f.name == "support_count" for f in WorkOrder._meta.get_fields()) else ""
CANDIDATES = 50  # hotspots compared with one order at most (the best-keyed, most recent)
PER_KEY = 20  # the most recent hotspots looked up by each of the order's keys


def window() -> timedelta:
    return timedelta(days=int(getattr(settings, "CIVICDESK_HOTSPOT_WINDOW_DAYS", 60)))


def min_orders() -> int:
    return int(getattr(settings, "CIVICDESK_HOTSPOT_MIN_ORDERS", 3))


def shown() -> Q:
    """The hotspots worth a look: enough orders, from more than one caller."""
    return Q(order_count__gte=min_orders(), caller_count__gte=2)


_area_levels: dict[int, tuple[int, int | None]] = {}  # area id → (level, parent id): areas rarely move


def heat_formula() -> str:
    """The heat index's formula in the reader's language (similar.HEAT_FORMULA, with its weights)."""
    w = similar.HEAT_WEIGHTS
    return _(
        "热度 = %(orders)s×工单数 + %(callers)s×不同来电人数 + %(growth)s×近7日增长 + %(urgent)s×紧急件数 "
        "+ %(supports)s×ln(1+附议/点赞数)"
    ) % {k: f"{v:.1f}" for k, v in w.items()}


def area_key(order: WorkOrder) -> str:
    """The area the order is compared by: its town (a village's parent), not the city."""
    if order.area_id is None:
        return ""
    if order.area_id not in _area_levels:
        found = Area.objects.filter(pk=order.area_id).values_list("level", "parent_id").first()
        _area_levels[order.area_id] = found or (1, None)
    level, parent_id = _area_levels[order.area_id]
    if level <= 1:
        return ""
    return f"area{parent_id if level >= 3 else order.area_id}"


def caller_of(order: WorkOrder) -> str:
    return order.citizen_phone or f"#{order.number}"


def add_order(order: WorkOrder, *, now: datetime | None = None) -> Hotspot | None:
    """Put one order into its hotspot (or start one); the hotspot, or None if the order is
    not grouped (void, or already in a hotspot)."""
    if order.state == State.VOID or Member.objects.filter(order=order).exists():
        return None
    reader = city_reader()
    features = reader.features(order.title, order.content, area=area_key(order))
    norm = features.norm()
    keys = similar.lookup_keys(features)
    since = order.created_at - window()
    with transaction.atomic():
        candidates = _recent_hotspots(order.hub_id, keys, since)
        ids = list(dict.fromkeys(candidates))[:CANDIDATES]
        best: tuple[float, int] | None = None
        for pk, candidate in _profiles(ids):
            found = candidate.match(features, norm)
            if found is not None and (best is None or found.score > best[0]):
                best = (found.score, pk)
        if best is None:
            hotspot = Hotspot.objects.create(
                hub_id=order.hub_id,
                title=order.title[:120],
                area=order.area,
                first_at=order.created_at,
                last_at=order.created_at,
            )
            score = 0.0
        else:
            score = best[0]
            hotspot = Hotspot.objects.select_for_update().get(pk=best[1])
        profile = similar.Profile.from_json(hotspot.profile)
        known_keys = profile.index_keys() if profile.size else set()
        profile.add(features)
        hotspot.profile = profile.to_json()
        hotspot.profile_rev = secrets.randbits(62)  # a new profile, so no process reuses its parse of the old one
        caller = caller_of(order)
        Member.objects.create(hotspot=hotspot, order=order, caller=caller, at=order.created_at, score=score)
        was_shown = hotspot.order_count >= min_orders() and hotspot.caller_count >= 2
        _count_in(hotspot, order, caller, profile, now=now)
        _save_keys(hotspot, profile, known_keys, fresh=best is None)
        if not was_shown and hotspot.order_count >= min_orders() and hotspot.caller_count >= 2:
            Event.objects.create(hotspot=hotspot, action="found", data={"orders": hotspot.order_count})
    return hotspot


def _recent_hotspots(hub_id: int, keys: list[str], since: datetime) -> list[int]:
    """Hotspots of the hub active since `since` that share a key, newest first per key: one
    small index range per key in one statement, so a common word ("油烟") shared by thousands
    of hotspots costs no more than a rare one."""
    if not keys:
        return []
    table = connection.ops.quote_name(Key._meta.db_table)
    part = (
        f"SELECT hotspot_id FROM (SELECT hotspot_id FROM {table} WHERE hub_id_copy = %s AND key = %s "  # noqa: S608
        f"AND last_at >= %s ORDER BY last_at DESC LIMIT {PER_KEY}) k{{n}}"
    )
    sql = " UNION ALL ".join(part.format(n=n) for n in range(len(keys)))
    params: list[Any] = []
    moment = connection.ops.adapt_datetimefield_value(since)  # as the ORM would write it (SQLite: text)
    for key in keys:
        params += [hub_id, key[:80], moment]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


# Parsed profiles of the hotspots last compared with, by pk: (profile_rev, updated_at) when
# read, and the profile. Most of an order's 50 candidates did not change since the order
# before, and reading and parsing their profiles (JSON, ~3 KB each) took some 4-5 ms of the
# 20 ms app CPU the grouping of an order took (bench database civicdesk_intake_load). Every
# write of a profile draws a new random profile_rev, so a parse is never used for another
# profile: not after another process changed it, nor after a rolled-back change (updated_at
# alone could repeat, with a clock frozen or passed in).
_parsed: OrderedDict[int, tuple[tuple[int, datetime], similar.Profile]] = OrderedDict()
PARSED_MAX = 1000  # hotspots; a parsed profile takes some 8 KB (the 100k demo: 858 hotspots in all)


def _profiles(ids: list[int]) -> list[tuple[int, similar.Profile]]:
    """The hotspots' profiles, parsed (shared with later calls: not to be changed)."""
    found: dict[int, similar.Profile] = {}
    order: list[int] = []
    missed: list[int] = []
    for pk, rev, updated_at in Hotspot.objects.filter(pk__in=ids).values_list("pk", "profile_rev", "updated_at"):
        order.append(pk)
        known = _parsed.get(pk)
        if known is not None and known[0] == (rev, updated_at):
            _parsed.move_to_end(pk)
            found[pk] = known[1]
        else:
            missed.append(pk)
    if missed:
        rows = Hotspot.objects.filter(pk__in=missed).values_list("pk", "profile_rev", "updated_at", "profile")
        for pk, rev, updated_at, data in rows:
            found[pk] = similar.Profile.from_json(data)
            _parsed[pk] = ((rev, updated_at), found[pk])
            _parsed.move_to_end(pk)
        while len(_parsed) > PARSED_MAX:
            _parsed.popitem(last=False)
    return [(pk, found[pk]) for pk in order if pk in found]  # in the order the database gave (ties: the first wins)


def _count_in(
    hotspot: Hotspot, order: WorkOrder, caller: str, profile: similar.Profile, *, now: datetime | None
) -> None:
    """refresh() after adding `order` to the hotspot, without recounting its other members (up
    to thousands, joined with their orders): the new member adds to the counts, and only the
    growth, which moves with the clock, is counted again, over the members of the last two
    weeks (index hotspot_member_at); whether the caller called before is one look-up on
    hotspot_member_caller. Same figures as refresh() (tests/hotspots/test_counts_kept_up.py)."""
    now = now or timezone.now()
    week = timedelta(days=similar.GROWTH_DAYS)
    near = Q(at__gte=now - 2 * week, at__lte=now)
    sums: dict[str, Any] = Member.objects.filter(Q(hotspot=hotspot) & (near | Q(caller=caller))).aggregate(
        recent=Count("pk", filter=Q(at__gte=now - week, at__lte=now)),
        before=Count("pk", filter=Q(at__gte=now - 2 * week, at__lt=now - week)),
        repeat=Count("pk", filter=Q(caller=caller) & ~Q(order_id=order.pk)),
    )
    hotspot.order_count += 1
    if not sums["repeat"]:
        hotspot.caller_count += 1
    if order.urgency != Urgency.NORMAL:
        hotspot.urgent_count += 1
    if SUPPORT_FIELD:
        hotspot.supports += int(getattr(order, SUPPORT_FIELD) or 0)
    hotspot.growth = int(sums["recent"] or 0) - int(sums["before"] or 0)
    hotspot.first_at = min(hotspot.first_at, order.created_at)
    hotspot.last_at = max(hotspot.last_at, order.created_at)
    _save_counted(hotspot, profile, now)


def refresh(hotspot: Hotspot, profile: similar.Profile | None = None, *, now: datetime | None = None) -> None:
    """Recount a hotspot from its members and save it (title, place, dates, heat)."""
    now = now or timezone.now()
    profile = profile or similar.Profile.from_json(hotspot.profile)
    members = Member.objects.filter(hotspot=hotspot)
    week = timedelta(days=similar.GROWTH_DAYS)
    sums: dict[str, Any] = members.aggregate(
        n=Count("pk"),
        callers=Count("caller", distinct=True),
        urgent=Count("pk", filter=~Q(order__urgency=Urgency.NORMAL)),
        first=Min("at"),
        last=Max("at"),
        recent=Count("pk", filter=Q(at__gte=now - week, at__lte=now)),
        before=Count("pk", filter=Q(at__gte=now - 2 * week, at__lt=now - week)),
        **({"supports": Sum(f"order__{SUPPORT_FIELD}")} if SUPPORT_FIELD else {}),
    )
    hotspot.order_count = int(sums["n"] or 0)
    hotspot.caller_count = int(sums["callers"] or 0)
    hotspot.urgent_count = int(sums["urgent"] or 0)
    hotspot.supports = int(sums.get("supports") or 0)
    hotspot.growth = int(sums["recent"] or 0) - int(sums["before"] or 0)  # as similar.growth counts
    if sums["first"] is not None:
        hotspot.first_at, hotspot.last_at = sums["first"], sums["last"]
    _save_counted(hotspot, profile, now)


def _save_counted(hotspot: Hotspot, profile: similar.Profile, now: datetime) -> None:
    """Save the hotspot with its counts set: its heat, title and place follow them."""
    hotspot.heat = similar.heat(
        orders=hotspot.order_count,
        callers=hotspot.caller_count,
        growth=hotspot.growth,
        urgent=hotspot.urgent_count,
        supports=hotspot.supports,
    )
    if profile.size:
        hotspot.title = (profile.title() or hotspot.title)[:120]
        hotspot.place = profile.main_place()[:120]
    hotspot.updated_at = now
    hotspot.save()


def _save_keys(hotspot: Hotspot, profile: similar.Profile, known: set[str], *, fresh: bool) -> None:
    """Move the hotspot's keys to its last order and add the ones its new member brought."""
    if not fresh:
        Key.objects.filter(hotspot=hotspot).update(last_at=hotspot.last_at)
    added = {k[:80] for k in profile.index_keys() - known}
    if added:
        Key.objects.bulk_create(
            [Key(hotspot=hotspot, hub_id_copy=hotspot.hub_id, key=k, last_at=hotspot.last_at) for k in added],
            ignore_conflicts=True,
        )


def remove_order(order: WorkOrder) -> None:
    """A voided order (harassment, a test call) no longer counts in its hotspot."""
    member = Member.objects.filter(order=order).select_related("hotspot").first()
    if member is None:
        return
    with transaction.atomic():
        hotspot = Hotspot.objects.select_for_update().get(pk=member.hotspot_id)
        member.delete()
        refresh(hotspot)


def react_to_move(order: WorkOrder, event: RecordedEvent, store: Store) -> None:
    """In the worker, after a move committed (civicdesk.orders.tasks): group a new order,
    ungroup a voided one. A failure is raised, so the task tries again later; the person who
    took the call never waits on it. The order is read as it is now: a new order voided
    meanwhile is not grouped, and one grouped already (a task run twice) is not grouped again."""
    if event.action == "create":
        hotspot = add_order(order)
        if hotspot is not None:
            # Imported here: the alerts read the notifications outbox, loaded after this module.
            from civicdesk.hotspots.alerts import check

            check(hotspot)
    elif event.action == "void":
        remove_order(order)


def same_hotspot(order: WorkOrder, others: Iterable[WorkOrder]) -> set[int]:
    """Which of `others` share the order's hotspot (for the merge suggestions)."""
    mine = Member.objects.filter(order=order).values_list("hotspot_id", flat=True).first()
    if mine is None:
        return set()
    ids = [o.pk for o in others]
    return set(Member.objects.filter(hotspot_id=mine, order_id__in=ids).values_list("order_id", flat=True))


def rebuild(hub_ids: Iterable[int] | None = None, *, since: datetime | None = None) -> int:
    """Group every order of the period (not yet grouped) in time order; the number grouped."""
    orders = WorkOrder.objects.exclude(state=State.VOID).filter(hotspot_member__isnull=True)
    if hub_ids is not None:
        orders = orders.filter(hub_id__in=list(hub_ids))
    if since is not None:
        orders = orders.filter(created_at__gte=since)
    done = 0
    for order in orders.select_related("area").order_by("created_at", "pk").iterator(chunk_size=500):
        if add_order(order) is not None:
            done += 1
    return done


# A +1 is not a move on the order (civicdesk.orders.actions.urging.add_support writes no
# event), so no reaction sees it: the worker's sweep looks at the hotspots whose orders got
# a +1 lately and recounts those whose 附议数 no longer matches their orders'.
SUPPORT_LOOKBACK = timedelta(days=2)


def run_support_refresh(now: datetime | None = None) -> int:
    """Recount the heat of every hotspot whose orders' +1s changed; returns how many."""
    if not SUPPORT_FIELD:
        return 0
    now = now or timezone.now()
    recent = Member.objects.filter(order__supports__created_at__gte=now - SUPPORT_LOOKBACK).values("hotspot_id")
    stale = (
        Hotspot.objects.filter(pk__in=recent)
        .annotate(counted=Sum(f"members__order__{SUPPORT_FIELD}"))
        .exclude(supports=F("counted"))
        .values_list("pk", flat=True)
    )
    done = 0
    for pk in list(stale):
        with transaction.atomic():
            hotspot = Hotspot.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if hotspot is None:
                continue  # another worker is recounting it
            refresh(hotspot, now=now)
        # Imported here: the alerts read the notifications outbox, loaded after this module.
        from civicdesk.hotspots.alerts import check

        check(hotspot)
        done += 1
    return done

"""Every change to an inspection: atomic, the acting person by keyword, the right checked,
one InspectionEvent appended. A form carries the version it showed; acting on a stale one is
a conflict (someone else scored or decided it meanwhile). Times come from the actions' clock
(civicdesk.orders.clock), so the demo's past weeks are scored when they were."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.lib.textlimits import too_long
from civicdesk.orders import clock
from civicdesk.orders.errors import ConflictError, InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.quality.models import (
    FULL_MARKS,
    Deduction,
    DeductionReason,
    Inspection,
    InspectionEvent,
    InspectionState,
    Picked,
    ScoreForm,
)
from civicdesk.quality.sampling import Rule, candidates, draw, monday, rule_for, seed_for

APPEAL_MAX = 1000
COMMENT_MAX = 1000
# Who decides an appeal: another inspector of the hub, or its leader (never the one who scored).
DECIDER_ROLES = (Role.INSPECTOR, Role.LEADER)


def _limit(text: str, limit: int, field: str) -> None:
    if len(text) > limit:
        message = too_long(limit, len(text))
        raise InvalidInput(message, fields={field: message})


def hubs_with(user: User, *roles: str) -> list[OrgUnit]:
    """The hubs where `user` holds one of `roles` (in the hub itself or a unit under it)."""
    hubs: dict[int, OrgUnit] = {}
    for unit in user.units_with_role(*roles):
        hub = unit if unit.is_hub else unit.hub()
        if hub is not None:
            hubs[hub.pk] = hub
    return sorted(hubs.values(), key=lambda h: h.path)


def _holds(user: User, hub_id: int, *roles: str) -> bool:
    return user.is_active and any(h.pk == hub_id for h in hubs_with(user, *roles))


def _record(
    inspection: Inspection, action: str, actor: User | None, from_state: str, note: str = "", **data: Any
) -> None:
    InspectionEvent.objects.create(
        inspection=inspection,
        action=action,
        actor=actor,
        at=clock.now(),
        from_state=from_state,
        to_state=inspection.state,
        note=note,
        data=data,
    )


def _locked(inspection: Inspection, version: int | None) -> Inspection:
    current = Inspection.objects.select_for_update(of=("self",)).select_related("call", "form").get(pk=inspection.pk)
    if version is not None and current.version != version:
        raise ConflictError(_("这条质检记录已被他人更新，请刷新后再试。"))
    return current


def form_for(hub: OrgUnit) -> ScoreForm:
    form = (
        ScoreForm.objects.filter(hub=hub, active=True).order_by("-pk").first()
        or ScoreForm.objects.filter(hub__isnull=True, active=True).order_by("-pk").first()
    )
    if form is None:
        raise InvalidInput(_("尚未配置质检评分表，请管理员先在管理后台添加。"))
    return form


def fill_queue(hub: OrgUnit, week: date, *, actor: User | None, must_only: bool = False) -> int:
    """Put the week's sampled calls of the hub into its inspection queue; returns how many
    are new. `actor` None is the weekly sweep; a person must be an inspector or admin there.
    `must_only`: add only complaints and unsatisfied callbacks (found after the draw)."""
    if actor is not None and not _holds(actor, hub.pk, Role.INSPECTOR, Role.ADMIN):
        raise PermissionDenied(_("只有本中心的质检员可以抽取质检来电。"))
    week = monday(week)
    rule = rule_for(hub)
    pool = candidates(hub, week, rule, must_only=must_only)
    # must_only: no share drawn (the week's draw was made), the must-inspect calls alone.
    drawing = Rule(Decimal(0), 0, rule.complaints, rule.unsatisfied) if must_only else rule
    chosen = draw(pool, drawing, seed_for(hub, week, rule))
    known = set(
        Inspection.objects.filter(call_id__in=[c.call_id for c, _picked in chosen]).values_list("call_id", flat=True)
    )
    added = 0
    for candidate, picked in chosen:
        if candidate.call_id in known:
            continue
        try:
            with transaction.atomic():
                inspection = Inspection.objects.create(
                    call_id=candidate.call_id, hub=hub, operator_id=candidate.operator_id, week=week, picked=picked
                )
                _record(inspection, InspectionEvent.Action.QUEUED, actor, "", picked=picked)
        except IntegrityError:  # queued meanwhile by another run
            continue
        added += 1
    return added


def score(
    inspection: Inspection, *, actor: User, reasons: Iterable[int], comment: str = "", version: int | None = None
) -> Inspection:
    """The inspector scores a queued call: the ticked deductions, capped at each item's points."""
    comment = (comment or "").strip()
    _limit(comment, COMMENT_MAX, "comment")
    with transaction.atomic():
        current = _locked(inspection, version)
        if not _holds(actor, current.hub_id, Role.INSPECTOR):
            raise PermissionDenied(_("只有本中心的质检员可以评分。"))
        if actor.pk == current.operator_id:
            raise PermissionDenied(_("不能为自己接听的来电评分。"))
        if current.state != InspectionState.QUEUED:
            raise InvalidTransition(_("这通来电已经评过分。"))
        form = form_for(current.hub)
        ticked = list(DeductionReason.objects.filter(pk__in=set(reasons), item__form=form).select_related("item"))
        if len(ticked) != len(set(reasons)):
            raise InvalidInput(_("扣分项不在当前评分表中，请刷新后重新评分。"), fields={"reasons": ""})
        current.form = form
        current.score = _score_of(form, [(r.item_id, r.points) for r in ticked])
        current.state = InspectionState.SCORED
        current.inspector = actor
        current.scored_at = clock.now()
        current.comment = comment
        current.version += 1
        current.save()
        Deduction.objects.bulk_create(Deduction(inspection=current, reason=r, points=r.points) for r in ticked)
        _record(current, InspectionEvent.Action.SCORED, actor, InspectionState.QUEUED, comment, score=current.score)
    return current


def _score_of(form: ScoreForm, deductions: Iterable[tuple[int, int]]) -> int:
    """Out of 100: each item loses at most its points."""
    points = dict(form.items.values_list("pk", "points"))
    taken: dict[int, int] = {}
    for item_id, amount in deductions:
        taken[item_id] = taken.get(item_id, 0) + amount
    total = sum(points.values()) or FULL_MARKS
    lost = sum(min(amount, points.get(item_id, 0)) for item_id, amount in taken.items())
    return round(FULL_MARKS * (total - lost) / total)


def appeal(inspection: Inspection, *, actor: User, text: str, version: int | None = None) -> Inspection:
    """The operator appeals the score, once."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("请写明申诉理由。"), fields={"appeal": _("请写明申诉理由。")})
    _limit(text, APPEAL_MAX, "appeal")
    with transaction.atomic():
        current = _locked(inspection, version)
        if actor.pk != current.operator_id:
            raise PermissionDenied(_("只有被质检的话务员本人可以申诉。"))
        if current.appealed_at is not None:
            raise InvalidTransition(_("每次质检只能申诉一次。"))
        if current.state != InspectionState.SCORED:
            raise InvalidTransition(_("这条质检记录现在不能申诉。"))
        current.state = InspectionState.APPEALED
        current.appeal = text
        current.appealed_at = clock.now()
        current.version += 1
        current.save()
        _record(current, InspectionEvent.Action.APPEALED, actor, InspectionState.SCORED, text)
    return current


def decide(
    inspection: Inspection,
    *,
    actor: User,
    withdraw: Iterable[int],
    note: str,
    version: int | None = None,
) -> Inspection:
    """A second person decides the appeal: the deductions found wrong are withdrawn (none: the
    score stands) and the score is final."""
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("请填写复核意见。"), fields={"decision": _("请填写复核意见。")})
    _limit(note, COMMENT_MAX, "decision")
    with transaction.atomic():
        current = _locked(inspection, version)
        if not _holds(actor, current.hub_id, *DECIDER_ROLES):
            raise PermissionDenied(_("只有本中心的质检员或领导可以复核申诉。"))
        if actor.pk in (current.inspector_id, current.operator_id):
            raise PermissionDenied(_("申诉须由评分人和话务员以外的人复核。"))
        if current.state != InspectionState.APPEALED:
            raise InvalidTransition(_("这条质检记录没有待复核的申诉。"))
        withdrawn = set(withdraw)
        deductions = list(current.deductions.select_related("reason"))
        if withdrawn - {d.pk for d in deductions}:
            raise InvalidInput(_("要撤销的扣分不属于这条质检记录。"))
        for deduction in deductions:
            if deduction.pk in withdrawn:
                deduction.withdrawn = True
                deduction.save(update_fields=["withdrawn"])
        before = current.score
        assert current.form is not None  # scored before it could be appealed
        current.score = _score_of(current.form, [(d.reason.item_id, d.points) for d in deductions if not d.withdrawn])
        current.state = InspectionState.FINAL
        current.decided_by = actor
        current.decided_at = clock.now()
        current.decision = note
        current.version += 1
        current.save()
        _record(
            current,
            InspectionEvent.Action.DECIDED,
            actor,
            InspectionState.APPEALED,
            note,
            before=before,
            after=current.score,
            withdrawn=sorted(withdrawn),
        )
    return current


def run_quality_sampling() -> int:
    """The worker's sweep: last week's draw for every hub, once (the first run after the week
    ended); after it, only the complaints and unsatisfied callbacks that turned up since."""
    last_week = monday(timezone.localdate()) - timedelta(days=7)
    added = 0
    for hub in OrgUnit.objects.filter(is_hub=True, active=True).order_by("path"):
        drawn = Inspection.objects.filter(hub=hub, week=last_week, picked=Picked.RANDOM).exists()
        added += fill_queue(hub, last_week, actor=None, must_only=drawn)
    return added

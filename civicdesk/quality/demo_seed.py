"""Demo quality inspection (质检) over the demo's calls (civicdesk.intake.demo_seed): the
sampling rule fills the queue for each of the last three weeks, as the weekly sweep would;
the inspectors scored the two older weeks and part of the last one in the week after, with
the deductions a young center really makes most (no restating of the request, no staff
number, an incomplete record); one appeal was decided by the second inspector and one waits
for a decision. The rest of last week waits in the queue, operator1's calls among them.
Idempotent: nothing is added once the hub has inspections.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from civicdesk.orders import clock
from civicdesk.org.models import Role, User
from civicdesk.quality import actions
from civicdesk.quality.models import DeductionReason, Inspection, InspectionState
from civicdesk.quality.sampling import monday

WEEKS = 3
# How often each deduction of the default form is made (others: 1).
COMMON = {
    "未复述确认诉求": 9,
    "未报工号": 8,
    "诉求记录不完整": 7,
    "地址记录错误": 5,
    "未使用结束语": 5,
    "分类选择错误": 4,
    "长时间静音无解释": 3,
    "语气生硬": 3,
    "打断来电人": 2,
    "可即时答复却派单": 2,
}
# Deductions per scored call: most calls are clean or lose one point item.
HOW_MANY = ([0, 1, 2, 3], [45, 32, 17, 6])
# Of last week's queue, the share already scored when the demo opens.
LAST_WEEK_SCORED = 0.4


def _scoring_moment(week: date, n: int) -> datetime:
    """A working hour in the week after the call's week (Monday to Thursday, by turns)."""
    day = week + timedelta(days=7 + n % 4)
    return timezone.make_aware(datetime.combine(day, time(9 + n % 8, (7 * n) % 60)))


def _score_all(
    items: list[Inspection],
    inspectors: list[User],
    reasons: list[DeductionReason],
    rng: random.Random,
    now: datetime,
) -> list[Inspection]:
    weights = [COMMON.get(r.text, 1) for r in reasons]
    scored = []
    for n, item in enumerate(items):
        count = rng.choices(*HOW_MANY)[0]
        ticked = {r.pk: r for r in rng.choices(reasons, weights=weights, k=count)}
        comment = "；".join(r.text for r in ticked.values())
        with clock.running_at(min(_scoring_moment(item.week, n), now)):
            scored.append(
                actions.score(
                    item,
                    actor=inspectors[n % len(inspectors)],
                    reasons=list(ticked),
                    comment=f"请注意：{comment}。" if comment else "通话规范。",
                )
            )
    return scored


def _appeals(scored: list[Inspection], inspectors: list[User], skip: int | None, now: datetime) -> tuple[int, int]:
    """Two appeals against the first inspector's deductions, by two operators (not `skip`, the
    demo's operator1, who keeps every appeal to make): one decided by the second inspector (a
    deduction withdrawn), one waiting."""
    first, second = inspectors[0], inspectors[-1]
    candidates = [s for s in scored if s.inspector_id == first.pk and s.operator_id != skip and s.deductions.exists()]
    decided = waiting = 0
    seen: set[int] = set()
    for item in sorted(candidates, key=lambda s: (s.week, s.pk)):
        if item.operator_id in seen or (decided and waiting):
            continue
        seen.add(item.operator_id)
        operator = User.objects.get(pk=item.operator_id)
        scored_at = item.scored_at
        assert scored_at is not None  # scored just above
        with clock.running_at(min(scored_at + timedelta(hours=20), now)):
            item = actions.appeal(item, actor=operator, text="通话中已复述来电人诉求并核对了地址，请复听录音。")
        if not decided and second.pk != first.pk:
            withdraw = list(item.deductions.values_list("pk", flat=True)[:1])
            with clock.running_at(min(scored_at + timedelta(days=2), now)):
                actions.decide(item, actor=second, withdraw=withdraw, note="复听录音属实，撤销该项扣分。")
            decided += 1
        else:
            waiting += 1
    return decided, waiting


@transaction.atomic
def seed(city: Any, now: datetime) -> list[str]:
    hub = city.hub
    inspectors = [u for u in city.staff.get(Role.INSPECTOR, []) if u.is_active]
    first_operator = next(iter(city.staff.get(Role.OPERATOR, [])), None)
    if not inspectors or Inspection.objects.filter(hub=hub).exists():
        return []
    rng = random.Random(33358)  # GB/T 33358: the same demo every time
    this_week = monday(timezone.localdate(now))
    weeks = [this_week - timedelta(days=7 * n) for n in range(WEEKS, 0, -1)]
    for week in weeks:
        actions.fill_queue(hub, week, actor=None)
    reasons = list(DeductionReason.objects.filter(item__form=actions.form_for(hub)).order_by("pk"))
    queued = list(Inspection.objects.filter(hub=hub).order_by("week", "pk"))
    last = weeks[-1]
    older = [i for i in queued if i.week != last]
    # Last week: a share scored, operator1's calls left for the inspectors (and the demo's visitor).
    skip = first_operator.pk if first_operator is not None else None
    recent = [i for i in queued if i.week == last and i.operator_id != skip]
    recent = recent[: int(len(recent) * LAST_WEEK_SCORED)]
    scored = _score_all(older + recent, inspectors, reasons, rng, now)
    decided, waiting = _appeals(scored, inspectors, skip, now)
    left = Inspection.objects.filter(hub=hub, state=InspectionState.QUEUED).count()
    return [
        f"质检：抽检 {len(queued)} 通（近 {WEEKS} 周），已评分 {len(scored)} 通，申诉已复核 {decided} 条、"
        f"待复核 {waiting} 条，待质检 {left} 通（/quality/，inspector1；话务员看 /quality/mine）"
    ]

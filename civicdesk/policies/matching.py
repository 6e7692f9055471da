"""Which measures a company probably qualifies for (可能符合的政策).

Each condition a measure sets is judged against the register: met, not met, or unknown when
the register does not hold the fact (no founding date, no head count …). A company
"probably qualifies" when no condition is known to fail: the unknown ones are listed for the
liaison officer to confirm with the company, never taken as a refusal (a register with gaps
must not hide a measure from the company that needs it). A withdrawn measure, or one past its
end date, matches nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.catalogue.models import Area
from civicdesk.enterprises.models import Enterprise, EnterpriseSize, Industry, Licence, LicenceKind
from civicdesk.policies.models import Policy

MET, UNKNOWN, UNMET = "met", "unknown", "unmet"
LABELS = {
    "industry": gettext_lazy("行业"),
    "size": gettext_lazy("规模"),
    "area": gettext_lazy("区域"),
    "age": gettext_lazy("成立年限"),
    "licences": gettext_lazy("证照"),
    "tax": gettext_lazy("纳税额"),
    "employees": gettext_lazy("从业人数"),
}


@dataclass(frozen=True)
class Condition:
    key: str
    status: str  # MET, UNKNOWN or UNMET
    wanted: str  # what the measure asks, in words

    @property
    def label(self) -> str:
        return str(LABELS[self.key])


@dataclass
class Match:
    policy: Policy
    enterprise: Enterprise
    conditions: list[Condition] = field(default_factory=list)

    @property
    def qualifies(self) -> bool:
        return all(c.status != UNMET for c in self.conditions)

    @property
    def met(self) -> list[Condition]:
        return [c for c in self.conditions if c.status == MET]

    @property
    def unknown(self) -> list[Condition]:
        return [c for c in self.conditions if c.status == UNKNOWN]

    @property
    def unmet(self) -> list[Condition]:
        return [c for c in self.conditions if c.status == UNMET]


def _years_between(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _names(values: Iterable[str], choices: type[Industry] | type[EnterpriseSize] | type[LicenceKind]) -> str:
    known = dict(choices.choices)
    return "、".join(str(known.get(v, v)) for v in values)


def _under(area: Area, allowed: list[Area]) -> bool:
    """Whether `area` is one of `allowed` or lies inside one (a town inside the city)."""
    wanted = {a.pk for a in allowed}
    node: Area | None = area
    for _step in range(Area.max_depth + 1):
        if node is None:
            return False
        if node.pk in wanted:
            return True
        node = node.parent
    return False


def current_policies(today: date | None = None) -> QuerySet[Policy]:
    """Measures in force: not withdrawn, not past their end date."""
    today = today or timezone.localdate()
    return Policy.objects.filter(active=True).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))


def evaluate(policy: Policy, enterprise: Enterprise, today: date | None = None) -> Match:
    """Every condition of `policy` judged for `enterprise` (its licences and the policy's
    areas are read from prefetched rows when the caller prefetched them)."""
    today = today or timezone.localdate()
    match = Match(policy, enterprise)
    add = match.conditions.append
    if policy.industries:
        wanted = _names(policy.industries, Industry)
        status = UNKNOWN if not enterprise.industry else MET if enterprise.industry in policy.industries else UNMET
        add(Condition("industry", status, wanted))
    if policy.sizes:
        wanted = _names(policy.sizes, EnterpriseSize)
        status = UNKNOWN if not enterprise.size else MET if enterprise.size in policy.sizes else UNMET
        add(Condition("size", status, wanted))
    areas = list(policy.areas.all())
    if areas:
        wanted = "、".join(a.name for a in areas)
        status = UNKNOWN if enterprise.area is None else MET if _under(enterprise.area, areas) else UNMET
        add(Condition("area", status, wanted))
    if policy.min_age_years is not None or policy.max_age_years is not None:
        low, high = policy.min_age_years, policy.max_age_years
        if low is not None and high is not None:
            wanted = _("成立 %(low)s 至 %(high)s 年") % {"low": low, "high": high}
        elif low is not None:
            wanted = _("成立满 %(n)s 年") % {"n": low}
        else:
            wanted = _("成立不超过 %(n)s 年") % {"n": high}
        if enterprise.founded_on is None:
            status = UNKNOWN
        else:
            age = _years_between(enterprise.founded_on, today)
            # "不超过 N 年": within N years of the founding day.
            too_old = high is not None and age >= high
            status = UNMET if (low is not None and age < low) or too_old else MET
        add(Condition("age", status, wanted))
    if policy.licences:
        held = _licences_held(enterprise, today)
        missing = [k for k in policy.licences if k not in held]
        # The register lists the licences the units issued; one it lacks may still be held.
        add(Condition("licences", MET if not missing else UNKNOWN, _names(policy.licences, LicenceKind)))
    if policy.min_annual_tax is not None:
        wanted = _("上年纳税 %(n)s 万元以上") % {"n": _amount(policy.min_annual_tax)}
        tax = enterprise.annual_tax
        add(Condition("tax", UNKNOWN if tax is None else MET if tax >= policy.min_annual_tax else UNMET, wanted))
    if policy.min_employees is not None or policy.max_employees is not None:
        low_e, high_e = policy.min_employees, policy.max_employees
        if low_e is not None and high_e is not None:
            wanted = _("从业人数 %(low)s 至 %(high)s 人") % {"low": low_e, "high": high_e}
        elif low_e is not None:
            wanted = _("从业人数 %(n)s 人以上") % {"n": low_e}
        else:
            wanted = _("从业人数不超过 %(n)s 人") % {"n": high_e}
        people = enterprise.employees
        if people is None:
            status = UNKNOWN
        else:
            status = (
                UNMET if (low_e is not None and people < low_e) or (high_e is not None and people > high_e) else MET
            )
        add(Condition("employees", status, wanted))
    return match


def _licences_held(enterprise: Enterprise, today: date) -> set[str]:
    if enterprise.pk is None:  # a blank company, to list a measure's conditions in words
        return set()
    return {lic.kind for lic in enterprise.licences.all() if lic.valid_from <= today <= lic.valid_to}


def _amount(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _enterprises(enterprises: QuerySet[Enterprise]) -> list[Enterprise]:
    return list(
        enterprises.filter(active=True)
        .select_related("area__parent__parent")
        .prefetch_related(Prefetch("licences", Licence.objects.all()))
    )


def matches_for(enterprises: QuerySet[Enterprise], today: date | None = None) -> dict[int, list[Match]]:
    """enterprise id → the measures in force it probably qualifies for, the surest first
    (fewest unknown conditions), then the newest."""
    today = today or timezone.localdate()
    policies = list(current_policies(today).prefetch_related("areas"))
    found: dict[int, list[Match]] = {}
    for enterprise in _enterprises(enterprises):
        rows = [m for m in (evaluate(p, enterprise, today) for p in policies) if m.qualifies]
        rows.sort(key=lambda m: (len(m.unknown), -(m.policy.issued_on or date.min).toordinal(), m.policy.code))
        found[enterprise.pk] = rows
    return found


def matching_enterprises(policy: Policy, today: date | None = None) -> list[Match]:
    """The companies in the register that probably qualify for `policy` (none if it is not in force)."""
    today = today or timezone.localdate()
    if not current_policies(today).filter(pk=policy.pk).exists():
        return []
    policy = Policy.objects.prefetch_related("areas").get(pk=policy.pk)
    found = [evaluate(policy, e, today) for e in _enterprises(Enterprise.objects.all())]
    return [m for m in found if m.qualifies]

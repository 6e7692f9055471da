"""Every change of a measure, one atomic function each: checks the person's right, writes the
measure and one append-only PolicyEvent, and — when what a company reads changed — a new
revision, pushed once to the matching companies and their liaison officers (outbox)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.catalogue.models import Area
from civicdesk.enterprises.liaison import officers_of
from civicdesk.enterprises.models import Enterprise, EnterpriseSize, Industry, LicenceKind
from civicdesk.knowledge.actions import may_edit as may_edit_article
from civicdesk.knowledge.models import Article
from civicdesk.lib.textlimits import too_long
from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.notifications.tasks import deliver_on_commit
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.org.models import Role, User
from civicdesk.policies.matching import Match, matching_enterprises
from civicdesk.policies.models import Policy, PolicyCitation, PolicyEvent, PolicyPush

TEMPLATE = "policy_push"  # OutboxMessage.template of the pushes
EDITOR_ROLES = (Role.ADMIN, Role.DISPATCHER)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# What a company reads: a change of any of these is a new revision, pushed again.
CONTENT_FIELDS = (
    "title",
    "issuing_body",
    "document_number",
    "issued_on",
    "valid_from",
    "valid_to",
    "benefit",
    "eligibility",
    "materials",
    "contact",
    "full_text",
    "source_document",
    "source_url",
    "industries",
    "sizes",
    "min_age_years",
    "max_age_years",
    "licences",
    "min_annual_tax",
    "min_employees",
    "max_employees",
)
REQUIRED = {
    "code": gettext_lazy("政策编号"),
    "title": gettext_lazy("政策名称"),
    "issuing_body": gettext_lazy("发布单位"),
}


def may_edit(user: User | None) -> bool:
    return user is not None and user.is_active and bool(user.units_with_role(*EDITOR_ROLES))


def _require_editor(user: User | None) -> None:
    if user is not None and not may_edit(user):
        raise PermissionDenied(_("只有管理员和派单员可以维护惠企政策。"))


def clean(values: dict[str, Any]) -> dict[str, Any]:
    """The measure's fields checked; InvalidInput naming each field at fault (all at once)."""
    problems: dict[str, str] = {}
    out = dict(values)
    for name, label in REQUIRED.items():
        if not str(out.get(name) or "").strip():
            problems[name] = _("请填写%(field)s。") % {"field": label}
    for name in ("benefit", "eligibility"):
        if not str(out.get(name) or "").strip():
            problems[name] = _("请用通俗的话写明能享受什么、谁可以申请。")
    for name in ("code", "title", "issuing_body", "document_number", "contact", "source_document"):
        if name not in out:
            continue
        text = str(out.get(name) or "").strip()
        limit = getattr(Policy._meta.get_field(name), "max_length", None) or 200
        if len(text) > limit:
            problems[name] = too_long(limit, len(text))
        out[name] = text
    for name, choices in (("industries", Industry), ("sizes", EnterpriseSize), ("licences", LicenceKind)):
        if name not in out:
            continue
        items = [str(v) for v in out.get(name) or []]
        wrong = [v for v in items if v not in choices.values]
        if wrong:
            problems[name] = _("不认识的选项：%(items)s") % {"items": "、".join(wrong)}
        out[name] = sorted(set(items))
    for low, high in (("min_age_years", "max_age_years"), ("min_employees", "max_employees")):
        if out.get(low) is not None and out.get(high) is not None and out[low] > out[high]:
            problems[high] = _("上限不能小于下限。")
    if out.get("valid_from") and out.get("valid_to") and out["valid_to"] < out["valid_from"]:
        problems["valid_to"] = _("截止日期不能早于执行日期。")
    if out.get("min_annual_tax") is not None and Decimal(out["min_annual_tax"]) < 0:
        problems["min_annual_tax"] = _("纳税额不能为负数。")
    if problems:
        raise InvalidInput("；".join(problems.values()), fields=problems)
    return out


def _content(policy: Policy) -> dict[str, Any]:
    return {name: getattr(policy, name) for name in CONTENT_FIELDS}


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def save_policy(
    *,
    actor: User | None,
    values: dict[str, Any],
    areas: Iterable[Area] | None = None,
    source: str = "form",
    push: bool = True,
) -> tuple[Policy, bool]:
    """Create the measure with values["code"], or change it. Returns (measure, changed): a
    change of what a company reads is a new revision, pushed (once) to the companies it
    matches and their officers; saving the same content again changes nothing."""
    _require_editor(actor)
    values = clean(values)
    area_list = None if areas is None else sorted(areas, key=lambda a: a.pk)
    with transaction.atomic():
        policy = Policy.objects.select_for_update().filter(code=values["code"]).first()
        created = policy is None
        if policy is None:
            policy = Policy(code=values["code"])
        before = {} if created else _content(policy)
        old_areas = [] if created else sorted(policy.areas.values_list("pk", flat=True))
        for name in CONTENT_FIELDS:
            if name in values:
                setattr(policy, name, values[name])
        new_areas = old_areas if area_list is None else [a.pk for a in area_list]
        changed_fields = [n for n in CONTENT_FIELDS if created or _plain(before.get(n)) != _plain(getattr(policy, n))]
        if new_areas != old_areas:
            changed_fields.append("areas")
        if not created and not changed_fields and policy.active:
            return policy, False
        now = timezone.now()
        if not created:
            policy.revision += 1
        policy.active = True
        policy.updated_at = now
        policy.save()
        if area_list is not None:
            policy.areas.set(area_list)
        PolicyEvent.objects.create(
            policy=policy,
            action="create" if created else "update",
            revision=policy.revision,
            actor=actor,
            at=now,
            data={"source": source, "fields": [] if created else changed_fields},
        )
        if push:
            push_revision(policy)
    return policy, True


def withdraw_policy(policy: Policy, *, actor: User | None, reason: str) -> Policy:
    """The measure no longer applies (废止/到期): it matches nobody and is no longer listed publicly."""
    _require_editor(actor)
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(_("请填写停用原因。"), fields={"reason": _("请填写停用原因。")})
    with transaction.atomic():
        locked = Policy.objects.select_for_update().get(pk=policy.pk)
        if not locked.active:
            raise InvalidInput(_("该政策已停用。"))
        locked.active = False
        locked.updated_at = timezone.now()
        locked.save(update_fields=["active", "updated_at"])
        PolicyEvent.objects.create(
            policy=locked, action="withdraw", revision=locked.revision, actor=actor, data={"reason": text[:500]}
        )
    return locked


# --- the push (outbox) ------------------------------------------------------------------


def _message(medium: str, address: str, subject: str, text: str, user: User | None = None) -> OutboxMessage:
    return OutboxMessage(medium=medium, user=user, address=address, template=TEMPLATE, subject=subject[:200], text=text)


def _company_messages(policy: Policy, enterprise: Enterprise, match: Match, subject: str) -> list[OutboxMessage]:
    text = _("【12345惠企政策】%(enterprise)s：您可能符合“%(title)s”（%(body)s）。%(benefit)s 咨询：%(contact)s") % {
        "enterprise": enterprise.name,
        "title": policy.title,
        "body": policy.issuing_body,
        "benefit": policy.benefit[:80],
        "contact": policy.contact or policy.issuing_body,
    }
    found = []
    phone = re.sub(r"[\s-]", "", enterprise.contact_phone or "")
    if _MOBILE.match(phone):
        found.append(_message(Medium.SMS, phone, subject, text))
    if enterprise.contact_email:
        found.append(_message(Medium.EMAIL, enterprise.contact_email, subject, text))
    return found


def _officer_message(policy: Policy, officer: User, matches: list[Match], subject: str) -> OutboxMessage:
    names = "、".join(m.enterprise.name for m in matches)
    unknown = sorted({c.label for m in matches for c in m.unknown})
    text = _("您驻点的企业可能符合“%(title)s”：%(names)s。") % {"title": policy.title, "names": names}
    if unknown:
        text += _("待核实条件：%(items)s。") % {"items": "、".join(unknown)}
    return _message(Medium.INBOX, "", subject, text, officer)


def push_revision(policy: Policy, today: date | None = None) -> int:
    """Tell the matching companies and their liaison officers about this revision of the
    measure, each once (PolicyPush's unique constraints); returns how many were told now."""
    matches = matching_enterprises(policy, today)
    if not matches:
        return 0
    if policy.revision == 1:
        subject = _("惠企政策：%(title)s") % {"title": policy.title}
    else:
        subject = _("惠企政策有更新：%(title)s") % {"title": policy.title}
    officers = officers_of([m.enterprise.pk for m in matches], today)
    told = 0
    messages: list[OutboxMessage] = []
    by_officer: dict[int, list[Match]] = {}
    for match in matches:
        for officer_id in officers.get(match.enterprise.pk, set()):
            by_officer.setdefault(officer_id, []).append(match)
        rows = _company_messages(policy, match.enterprise, match, subject)
        if _record(policy, rows, enterprise=match.enterprise):
            messages += rows
            told += 1
    for officer in User.objects.filter(pk__in=by_officer).order_by("pk"):
        rows = [_officer_message(policy, officer, by_officer[officer.pk], subject)]
        if _record(policy, rows, officer=officer):
            messages += rows
            told += 1
    deliver_on_commit(messages)
    return told


def _record(
    policy: Policy, rows: list[OutboxMessage], *, enterprise: Enterprise | None = None, officer: User | None = None
) -> bool:
    """Write the push and its messages, unless this revision already went to this recipient."""
    try:
        with transaction.atomic():
            push = PolicyPush.objects.create(
                policy=policy, revision=policy.revision, enterprise=enterprise, officer=officer
            )
    except IntegrityError:
        return False
    for row in rows:  # one by one: bulk_create sets no primary keys on every database
        row.save(force_insert=True)
    push.messages.set(rows)
    return True


# --- the knowledge base cites a measure --------------------------------------------------


def cite(policy: Policy, *, actor: User, article: Article) -> PolicyCitation:
    """The article gives this measure as its source (政策依据)."""
    if not may_edit_article(actor, article.owner_unit):
        raise PermissionDenied(_("您无权修改该知识条目。"))
    with transaction.atomic():
        citation, made = PolicyCitation.objects.get_or_create(
            policy=policy, article=article, defaults={"created_by": actor}
        )
        if not made:
            raise InvalidInput(_("该知识条目已引用此政策。"))
        PolicyEvent.objects.create(
            policy=policy, action="cite", revision=policy.revision, actor=actor, data={"article": article.pk}
        )
    return citation

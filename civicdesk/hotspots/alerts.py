"""Early warning (预警): a hotspot that appears or grows fast is announced to the hub's
dispatcher and leader on duty — in the inbox, and by SMS when configured — once per hotspot
and threshold (the Alert table's constraint holds even when two orders arrive at once)."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.hotspots.models import Alert, Event, Hotspot, Status
from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.notifications.tasks import deliver_on_commit
from civicdesk.org.models import Membership, Role, User
from civicdesk.worktime.duty import on_duty_ids

TEMPLATE = "hotspot_alert"
_MOBILE = re.compile(r"^1\d{10}$")


def thresholds(hotspot: Hotspot) -> list[str]:
    """The thresholds this hotspot has reached: new, size:N, growth:N."""
    reached: list[str] = []
    if hotspot.order_count >= int(settings.CIVICDESK_HOTSPOT_MIN_ORDERS) and hotspot.caller_count >= 2:
        reached.append("new")
        reached += [f"size:{n}" for n in settings.CIVICDESK_HOTSPOT_ALERT_SIZES if hotspot.order_count >= n]
        if hotspot.growth >= int(settings.CIVICDESK_HOTSPOT_ALERT_GROWTH):
            reached.append(f"growth:{settings.CIVICDESK_HOTSPOT_ALERT_GROWTH}")
    return reached


def recipients(hotspot: Hotspot) -> list[User]:
    """The hub's dispatchers and leaders on duty now; when none of them is, all of them."""
    staff = set(
        Membership.objects.filter(
            unit_id=hotspot.hub_id, role__in=(Role.DISPATCHER, Role.LEADER), user__is_active=True
        ).values_list("user_id", flat=True)
    )
    on_duty = on_duty_ids([hotspot.hub_id], timezone.now()) & staff
    return list(User.objects.filter(pk__in=on_duty or staff).order_by("pk"))


def text_for(hotspot: Hotspot, threshold: str) -> str:
    values = {
        "title": hotspot.display_name,
        "n": hotspot.order_count,
        "callers": hotspot.caller_count,
        "growth": hotspot.growth,
        "heat": hotspot.heat,
    }
    if threshold == "new":
        return _("【热点预警】发现新热点「%(title)s」：%(n)s件工单、%(callers)s位来电人，热度%(heat)s。") % values
    if threshold.startswith("growth:"):
        return _("【热点预警】热点「%(title)s」快速增长：近7日增加%(growth)s件，共%(n)s件，热度%(heat)s。") % values
    return _("【热点预警】热点「%(title)s」已达%(n)s件工单、%(callers)s位来电人，热度%(heat)s。") % values


def check(hotspot: Hotspot) -> list[str]:
    """Send the alerts this hotspot is due; the thresholds alerted now."""
    if hotspot.status in (Status.DISMISSED, Status.MERGED):
        return []
    sent: list[str] = []
    due = thresholds(hotspot)
    if not due:
        return sent
    done = set(Alert.objects.filter(hotspot=hotspot, threshold__in=due).values_list("threshold", flat=True))
    for threshold in due:
        if threshold in done:
            continue
        try:
            with transaction.atomic():
                people = recipients(hotspot)
                Alert.objects.create(hotspot=hotspot, threshold=threshold, recipients=len(people))
                text = text_for(hotspot, threshold)
                rows = [OutboxMessage(medium=Medium.INBOX, user=u, template=TEMPLATE, text=text) for u in people]
                if settings.CIVICDESK_HOTSPOT_ALERT_SMS:
                    rows += [
                        OutboxMessage(medium=Medium.SMS, user=u, address=u.phone, template=TEMPLATE, text=text)
                        for u in people
                        if _MOBILE.match(re.sub(r"[\s-]", "", u.phone or ""))
                    ]
                OutboxMessage.objects.bulk_create(rows)
                Event.objects.create(
                    hotspot=hotspot,
                    action="alert",
                    note=text,
                    data={"threshold": threshold, "recipients": [u.pk for u in people]},
                )
                deliver_on_commit(rows)
        except IntegrityError:
            continue  # another worker alerted this threshold a moment ago
        sent.append(threshold)
    return sent

"""The warning that next year's working calendar is missing, for admins and hub leaders
(on their home page and on the calendar page). The console sits above both apps it joins:
which years are covered (worktime) and how many open orders are due in a year that is not
(orders)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from civicdesk.orders.deadlines import count_running_from
from civicdesk.org.models import Membership, Role, User
from civicdesk.worktime.schedule import first_gap

register = template.Library()


def sees_calendar_warning(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if Role.ADMIN in user.roles:
        return True
    return Membership.objects.filter(user=user, role=Role.LEADER, unit__is_hub=True).exists()


@register.inclusion_tag("worktime/_calendar_warning.html", takes_context=True)
def calendar_warning(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not sees_calendar_warning(user):
        return {"show": False}
    gap = first_gap(timezone.localdate())
    affected = count_running_from(gap.starts)
    return {
        "show": gap.due or affected > 0,
        "year": gap.year,
        "affected": affected,
        "may_enter": Role.ADMIN in user.roles,
    }

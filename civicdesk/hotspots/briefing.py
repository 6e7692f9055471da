"""The hotspots of a period, as a section of the 日报 / 周报 / 月报 (registered with
civicdesk.statistics.briefings, which imports nothing of this app)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.hotspots.grouping import heat_formula, shown
from civicdesk.hotspots.models import Hotspot, Status

ROWS = 10


def section(kind: str, first: dt.date, last: dt.date) -> dict[str, Any] | None:
    """The hotspots that had orders in the period, hottest first (None: the section is left
    out only when the app has never found one, so a quiet period still says "无")."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    found = list(
        Hotspot.objects.filter(shown(), last_at__gte=start, first_at__lt=end)
        .exclude(status=Status.DISMISSED)
        .select_related("area", "lead_unit")
        .order_by("-heat", "-last_at")[:ROWS]
    )
    rows = [
        [
            h.display_name,
            h.place or (h.area.name if h.area else ""),
            h.order_count,
            h.caller_count,
            f"{h.growth:+d}",
            h.heat,
            h.get_status_display(),
            h.lead_unit.name if h.lead_unit else "",
        ]
        for h in found
    ]
    words = ""
    if found:
        items = "、".join(_("%(name)s（%(n)s件）") % {"name": h.display_name, "n": h.order_count} for h in found[:3])
        words = _("本期热点%(count)s个，较热的是：%(items)s。") % {"count": len(found), "items": items}
    return {
        "title": _("热点"),
        "note": heat_formula(),
        "header": [
            _("热点"),
            _("地点"),
            _("工单数"),
            _("来电人数"),
            _("近7日增长"),
            _("热度"),
            _("状态"),
            _("牵头单位"),
        ],
        "rows": rows,
        "words": words,
    }

"""日报 / 周报: the period's figures, top categories and areas, overdue units and notable
orders, as printable HTML and a PDF (reportlab, built-in CID font STSong-Light: no font
files needed). The worker writes yesterday's 日报 and last week's 周报 once each: the unique
constraint on (kind, start) makes a second worker's attempt a no-op."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.orders.models import WorkOrder
from civicdesk.orders.privacy import text_for
from civicdesk.statistics import dashboard as data
from civicdesk.statistics.measures import MEASURES, Period, order_q
from civicdesk.statistics.models import Briefing, BriefingKind
from civicdesk.statistics.rollups import local_day

CODES = ("accepted", "answered_on_call", "completion", "on_time", "response", "resolution", "satisfaction",
         "overdue")


def period_of(kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete period before today: yesterday, or last Monday–Sunday."""
    if kind == BriefingKind.DAILY:
        day = today - dt.timedelta(days=1)
        return day, day
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return monday, monday + dt.timedelta(days=6)


def compose(kind: str, first: dt.date, last: dt.date) -> dict[str, Any]:
    q = data.parse_query(QueryDict(f"period=custom&from={first}&to={last}"))
    q = data.Query("day" if kind == BriefingKind.DAILY else "week", q.days, q.filters, q.params)
    overview = data.overview(q)
    categories = data.breakdown(q, "category", codes=("accepted", "completion", "satisfaction"))[:5]
    areas = data.breakdown(q, "area", level=2, codes=("accepted", "completion", "satisfaction"))[:5]
    overdue = sorted((r for r in data.breakdown(q, "unit", codes=("overdue",)) if r["overdue"]["numerator"]),
                     key=lambda r: -r["overdue"]["numerator"])[:10]
    period = Period(q.days.start, q.days.end)
    notable = (WorkOrder.objects.filter(order_q(data.Filters())).filter(period.q("created_at"))
               .exclude(urgency="normal", supervision_level=0, rework_count=0)
               .select_related("lead_unit", "category").order_by("-urgency", "-supervision_level", "-rework_count",
                                                                  "created_at")[:10])
    return {
        "kind": kind, "first": first.isoformat(), "last": last.isoformat(),
        "title": f"{_('日报') if kind == BriefingKind.DAILY else _('周报')} {q.label()}",
        "figures": [{"code": c, "name": MEASURES[c].name, "display": _display(overview[c]),
                     "previous": _display(overview[c]["previous"]), "definition": MEASURES[c].definition}
                    for c in CODES],
        "categories": [{"name": r["name"], "accepted": int(r["accepted"]["numerator"]),
                        "completion": r["completion"]["display"], "satisfaction": r["satisfaction"]["display"]}
                       for r in categories],
        "areas": [{"name": r["name"], "accepted": int(r["accepted"]["numerator"]),
                   "completion": r["completion"]["display"], "satisfaction": r["satisfaction"]["display"]}
                  for r in areas],
        "overdue_units": [{"name": r["name"], "overdue": int(r["overdue"]["numerator"])} for r in overdue],
        # A briefing is read by people who may not know a confidential caller: mask them in titles.
        "notable": [{"number": o.number, "title": text_for(None, o, o.title), "urgency": o.get_urgency_display(),
                     "unit": o.lead_unit.name if o.lead_unit else "", "state": o.get_state_display(),
                     "supervision_level": o.supervision_level, "rework_count": o.rework_count} for o in notable],
    }


def _display(figure: dict[str, Any]) -> str:
    return str(figure["display"])


def render_pdf(doc: dict[str, Any]) -> bytes:
    """The PDF of a composed briefing. ReportLab reads a Paragraph's text as markup (<img src>
    fetches URLs and opens files, <a>, <font> …): every text that goes into one is escaped, so
    an order titled <img src="http://…"/> is printed as those characters, never followed.
    Table cells given as plain strings are drawn as they are."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10, leading=14, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=16, leading=22)
    sub = ParagraphStyle("sub", parent=body, fontSize=12, leading=18, spaceBefore=8)
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 9),
                        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)])

    def para(text: object, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(str(text)), style)

    def table(header: list[str], rows: list[list[Any]]) -> Table:
        t = Table([header, *rows] if rows else [header, ["—"] + [""] * (len(header) - 1)], repeatRows=1)
        t.setStyle(style)
        return t

    story: list[Any] = [para(_("青岚市社会治理服务中心") + " " + doc["title"], head), Spacer(1, 6)]
    story += [para(_("一、主要指标"), sub),
              table([_("指标"), _("本期"), _("上期")],
                    [[f["name"], f["display"], f["previous"]] for f in doc["figures"]])]
    story += [para(_("二、受理量居前的分类"), sub),
              table([_("分类"), _("受理量"), _("办结率"), _("满意率")],
                    [[r["name"], r["accepted"], r["completion"], r["satisfaction"]] for r in doc["categories"]])]
    story += [para(_("三、受理量居前的区域"), sub),
              table([_("区域"), _("受理量"), _("办结率"), _("满意率")],
                    [[r["name"], r["accepted"], r["completion"], r["satisfaction"]] for r in doc["areas"]])]
    story += [para(_("四、超期单位"), sub),
              table([_("单位"), _("超期件数")], [[r["name"], r["overdue"]] for r in doc["overdue_units"]])]
    story += [para(_("五、值得关注的工单"), sub),
              table([_("工单编号"), _("标题"), _("紧急程度"), _("主办单位"), _("状态")],
                    [[r["number"], para(r["title"], body), r["urgency"], para(r["unit"], body), r["state"]]
                     for r in doc["notable"]])]
    story += [Spacer(1, 8), para(_("指标口径：") + "；".join(f"{f['name']}：{f['definition']}"
                                                          for f in doc["figures"]), body)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=doc["title"]).build(story)
    return out.getvalue()


def write_briefing(kind: str, first: dt.date, last: dt.date) -> Briefing | None:
    """Write the briefing of the period unless it exists; None when it already did."""
    if Briefing.objects.filter(kind=kind, start=first).exists():
        return None
    doc = compose(kind, first, last)
    html = render_to_string("statistics/briefing.html", {"doc": doc})
    pdf = render_pdf(doc)
    try:
        with transaction.atomic():
            return Briefing.objects.create(kind=kind, start=first, end=last + dt.timedelta(days=1), data=doc,
                                           html=html, pdf=pdf)
    except IntegrityError:  # another worker wrote it first
        return None


def run_briefings(now: dt.datetime | None = None) -> int:
    today = local_day(now or timezone.now())
    written = 0
    for kind in (BriefingKind.DAILY, BriefingKind.WEEKLY):
        first, last = period_of(kind, today)
        if write_briefing(kind, first, last) is not None:
            written += 1
    return written

"""日报 / 周报 / 月报, written as a center writes its own: a lead paragraph with the period's
figures and their change, the hot issues, overdue orders by unit, then the tables (the 月报
adds the unit ranking, and the red and black lists of the 月度通报: statistics.assessment);
as printable HTML and a PDF (reportlab, built-in CID font STSong-Light: no font files
needed). The worker writes yesterday's 日报 and last week's 周报 once each: the unique
constraint on (kind, start) makes a second worker's attempt a no-op."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from civicdesk.orders.models import WorkOrder
from civicdesk.orders.privacy import text_for
from civicdesk.org.models import OrgUnit
from civicdesk.statistics import dashboard as data
from civicdesk.statistics.assessment import assess
from civicdesk.statistics.measures import MEASURES, Period, order_q
from civicdesk.statistics.models import Briefing, BriefingKind
from civicdesk.statistics.rollups import local_day

# Sections other apps add to every briefing (the hotspots of the period), registered from their
# AppConfig.ready() so this module imports none of them: fn(kind, first, last) → a section
# {"title", "header", "rows", optional "note", optional "words": a sentence for the lead} or None.
BriefingSection = Callable[[str, dt.date, dt.date], dict[str, Any] | None]
_extra_sections: dict[str, BriefingSection] = {}


def register_section(name: str, section: BriefingSection) -> None:
    _extra_sections[name] = section


CODES = ("accepted", "answered_on_call", "completion", "on_time", "response", "resolution", "satisfaction", "overdue")
HOT = 5  # hot issues named in the lead


def period_of(kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete period before today: yesterday, last Monday–Sunday, or last month."""
    if kind == BriefingKind.DAILY:
        day = today - dt.timedelta(days=1)
        return day, day
    if kind == BriefingKind.MONTHLY:
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return monday, monday + dt.timedelta(days=6)


def _center() -> OrgUnit | None:
    """The center the report is written as: the hub that takes the orders (where a province's
    hub sits above a city's, the city's center, which holds them)."""
    busiest = (
        WorkOrder.objects.values("hub_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("hub_id", flat=True)
        .first()
    )
    hub = OrgUnit.objects.filter(pk=busiest).first() if busiest else None
    return hub or OrgUnit.objects.filter(is_hub=True, active=True).order_by("path").first()


def _center_name() -> str:
    hub = _center()
    return hub.name if hub is not None else _("服务中心")


def _names(kind: str) -> tuple[str, str]:
    """(the briefing's name, how the period before is called)."""
    if kind == BriefingKind.DAILY:
        return _("日报"), _("前一日")
    if kind == BriefingKind.MONTHLY:
        return _("月报"), _("上月")
    return _("周报"), _("上周")


def _period_words(kind: str, first: dt.date, last: dt.date) -> str:
    if kind == BriefingKind.DAILY:
        return _("%(y)s年%(m)s月%(d)s日") % {"y": first.year, "m": first.month, "d": first.day}
    if kind == BriefingKind.MONTHLY:
        return _("%(y)s年%(m)s月") % {"y": first.year, "m": first.month}
    return _("%(a)s至%(b)s") % {"a": f"{first:%Y-%m-%d}", "b": f"{last:%Y-%m-%d}"}


def _change(now: float, before: float) -> str:
    """较前一日增加 12 件（14.3%）, in words; the verb carries the sign, so the share has none
    (never "减少1件（-100.0%）")."""
    diff = now - before
    if diff == 0:
        return _("持平")
    values = {"n": f"{abs(diff):g}", "pct": f"{abs(diff) / before:.1%}" if before else ""}
    if diff > 0:
        return (_("增加%(n)s件（%(pct)s）") if before else _("增加%(n)s件")) % values
    return (_("减少%(n)s件（%(pct)s）") if before else _("减少%(n)s件")) % values


def _count(figure: dict[str, Any]) -> int:
    return int(figure["numerator"])


def _lead(kind: str, when: str, center: str, before_name: str, o: dict[str, Any]) -> str:
    """The lead paragraph: the period's figures and their change, as a center writes it."""
    acc, prev = _count(o["accepted"]), _count(o["accepted"]["previous"])
    parts = [
        _("%(when)s，%(center)s共受理群众诉求%(n)s件，较%(before)s%(change)s，其中当场答复办结%(answered)s件。")
        % {
            "when": when,
            "center": center,
            "n": acc,
            "before": before_name,
            "change": _change(acc, prev),
            "answered": _count(o["answered_on_call"]),
        },
    ]
    completion = o["completion"]
    if completion["denominator"]:
        parts.append(
            _("本期应办结%(due)s件，已办结%(done)s件，办结率%(rate)s（%(before)s%(prev)s），按时办结率%(on_time)s。")
            % {
                "due": completion["denominator"],
                "done": _count(completion),
                "rate": completion["display"],
                "before": before_name,
                "prev": completion["previous"]["display"],
                "on_time": o["on_time"]["display"],
            }
        )
    else:
        parts.append(_("本期没有到期应办结的工单。"))
    satisfaction = o["satisfaction"]
    if satisfaction["denominator"]:
        parts.append(
            _("回访%(n)s次，满意率%(rate)s，解决率%(solved)s。")
            % {"n": satisfaction["denominator"], "rate": satisfaction["display"], "solved": o["resolution"]["display"]}
        )
    overdue, overdue_before = _count(o["overdue"]), _count(o["overdue"]["previous"])
    parts.append(
        _("超期%(n)s件，较%(before)s%(change)s。")
        % {"n": overdue, "before": before_name, "change": _change(overdue, overdue_before)}
        if overdue or overdue_before
        else _("无超期工单。")
    )
    return "".join(parts)


def _hot(categories: list[dict[str, Any]], before: dict[Any, int]) -> str:
    named = [r for r in categories if r["accepted"]][:HOT]
    if not named:
        return _("本期没有受理工单。")
    items = "、".join(
        _("%(name)s %(n)s件（%(change)s）")
        % {"name": r["name"], "n": r["accepted"], "change": f"{r['accepted'] - before.get(r['key'], 0):+d}"}
        for r in named
    )
    return _("诉求较多的问题：%(items)s。") % {"items": items}


def _overdue_words(units: list[dict[str, Any]]) -> str:
    if not units:
        return _("各单位均无超期工单。")
    items = "、".join(_("%(name)s %(n)s件") % {"name": r["name"], "n": r["overdue"]} for r in units[:5])
    return _("超期工单涉及%(count)s个单位，较多的是：%(items)s。") % {"count": len(units), "items": items}


def compose(kind: str, first: dt.date, last: dt.date, hub: OrgUnit | None = None) -> dict[str, Any]:
    """The briefing's content: of `hub`'s subtree (its orders and those of the hubs below it),
    or of the whole installation when hub is None."""
    q = data.parse_query(QueryDict(f"period=custom&from={first}&to={last}"), scope=hub)
    period_kind = {str(BriefingKind.DAILY): "day", str(BriefingKind.MONTHLY): "month"}.get(kind, "week")
    q = data.Query(period_kind, q.days, q.filters, q.params)
    before_q = data.Query(q.kind, data.previous(q.days, q.kind), q.filters, q.params)
    overview = data.overview(q)
    # Hot issues are named at the finest level that has them (路面破损, not 城乡建设); orders
    # classified no deeper, or not at all, are not an issue of their own.
    for level in (3, 2, 1):
        rows = data.breakdown(q, "category", codes=("accepted", "completion", "satisfaction"), level=level)
        if any(r["key"] is not None and r["accepted"]["numerator"] for r in rows):
            break
    rows = [r for r in rows if r["key"] is not None]
    before_rows = data.breakdown(before_q, "category", codes=("accepted",), level=level)
    categories = [
        {
            "key": r["key"],
            "name": r["name"],
            "accepted": int(r["accepted"]["numerator"]),
            "completion": r["completion"]["display"],
            "satisfaction": r["satisfaction"]["display"],
        }
        for r in rows
    ][:10]
    before = {r["key"]: int(r["accepted"]["numerator"]) for r in before_rows}
    areas = data.breakdown(q, "area", level=2, codes=("accepted", "completion", "satisfaction"))[:10]
    overdue = sorted(
        (r for r in data.breakdown(q, "unit", codes=("overdue", "on_time")) if r["overdue"]["numerator"]),
        key=lambda r: (-r["overdue"]["numerator"], r["name"]),
    )
    overdue_units = [
        {"name": r["name"], "overdue": int(r["overdue"]["numerator"]), "on_time": r["on_time"]["display"]}
        for r in overdue
    ]
    period = Period(q.days.start, q.days.end)
    notable = (
        WorkOrder.objects.filter(order_q(data.Filters(hub=hub)))
        .filter(period.q("created_at"))
        .exclude(urgency="normal", supervision_level=0, rework_count=0)
        .select_related("lead_unit", "category")
        .order_by("-urgency", "-supervision_level", "-rework_count", "created_at")[:10]
    )
    name, before_name = _names(kind)
    center = hub.name if hub is not None else _center_name()
    when = _period_words(kind, first, last)
    doc: dict[str, Any] = {
        "kind": kind,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "center": center,
        "title": f"{center}{name}（{when}）",
        "before_name": before_name,
        "lead": _lead(kind, when, center, before_name, overview),
        "hot": _hot(categories, before),
        "overdue_words": _overdue_words(overdue_units),
        "bases": _(
            "说明：受理量按受理日期计；办结率、按时办结率、超期件数按办理时限在本期届满的工单计；"
            "解决率、满意率按回访计。各项分母不同，件数不必相等。"
        ),
        "figures": [
            {
                "code": c,
                "name": str(MEASURES[c].name),
                "display": _display(overview[c]),
                "previous": _display(overview[c]["previous"]),
                "definition": str(MEASURES[c].definition),
            }
            for c in CODES
        ],
        "categories": categories,
        "areas": [
            {
                "name": r["name"],
                "accepted": int(r["accepted"]["numerator"]),
                "completion": r["completion"]["display"],
                "satisfaction": r["satisfaction"]["display"],
            }
            for r in areas
        ],
        "overdue_units": overdue_units,
        # A briefing is read by people who may not know a confidential caller: mask them in titles.
        "notable": [
            {
                "number": o.number,
                "title": text_for(None, o, o.title),
                "urgency": o.get_urgency_display(),
                "unit": o.lead_unit.name if o.lead_unit else _("未派单"),
                "state": o.get_state_display(),
                "supervision_level": o.supervision_level,
                "rework_count": o.rework_count,
            }
            for o in notable
        ],
        "ranking": None,
        "extra": [found for fn in _extra_sections.values() if (found := fn(kind, first, last))],
    }
    for extra in doc["extra"]:
        if extra.get("words"):
            doc["hot"] = f"{doc['hot']}{extra['words']}"
    if kind == BriefingKind.MONTHLY:
        ranking = data.ranking(q)
        doc["ranking"] = {
            "definition": str(ranking["definition"]),
            "note": str(ranking["note"]),
            "empty": str(ranking["empty"]),
            "rows": [
                {
                    "rank": r["rank"],
                    "name": r["name"],
                    "volume": r["volume"],
                    "score": r["score"],
                    "response": r["response"]["display"],
                    "resolution": r["resolution"]["display"],
                    "satisfaction": r["satisfaction"]["display"],
                }
                for r in ranking["rows"]
            ],
        }
        doc["assessment"] = _boards(first, hub)
    return doc


def _boards(first: dt.date, hub: OrgUnit | None) -> dict[str, Any] | None:
    """The 月度通报's red and black lists (civicdesk.statistics.assessment) of the briefing's
    hub (the installation's center for one written without a hub), for the 月报."""
    hub = hub or _center()
    if hub is None:
        return None
    report = assess(hub, f"{first:%Y-%m}")
    return {
        "hub": hub.pk,
        "month": report.month,
        "groups": [
            {
                "name": g.name,
                "red": [{"name": r.unit.name, "score": r.score} for r in g.red],
                "black": [{"name": r.unit.name, "score": r.score} for r in g.black],
            }
            for g in report.groups
        ],
    }


def _display(figure: dict[str, Any]) -> str:
    return str(figure["display"])


def sections(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The tables after the lead, numbered in order; the HTML and the PDF both draw these."""
    found: list[dict[str, Any]] = [
        {
            "title": _("主要指标"),
            "header": [_("指标"), _("本期"), doc.get("before_name", _("上期"))],
            "rows": [[f["name"], f["display"], f["previous"]] for f in doc["figures"]],
        },
        {
            "title": _("受理量居前的分类"),
            "header": [_("分类"), _("受理量"), _("办结率"), _("满意率")],
            "rows": [[r["name"], r["accepted"], r["completion"], r["satisfaction"]] for r in doc["categories"]],
        },
        {
            "title": _("受理量居前的区域"),
            "header": [_("区域"), _("受理量"), _("办结率"), _("满意率")],
            "rows": [[r["name"], r["accepted"], r["completion"], r["satisfaction"]] for r in doc["areas"]],
        },
        {
            "title": _("各单位超期工单"),
            "header": [_("单位"), _("超期件数"), _("按时办结率")],
            "rows": [[r["name"], r["overdue"], r.get("on_time", "")] for r in doc["overdue_units"]],
        },
    ]
    if doc.get("ranking"):
        ranking = doc["ranking"]
        found.append(
            {
                "title": _("单位排名"),
                "note": ranking["empty"] or ranking["definition"],
                "header": [_("名次"), _("单位"), _("派单次数"), _("得分"), _("响应率"), _("解决率"), _("满意率")],
                "rows": [
                    [r["rank"], r["name"], r["volume"], r["score"], r["response"], r["resolution"], r["satisfaction"]]
                    for r in ranking["rows"]
                ],
            }
        )
    boards = doc.get("assessment")
    if boards and boards["groups"]:
        found.append(
            {
                "title": _("红榜与黑榜"),
                "note": _("按月度通报的得分（单位得分减去扣分），部门与镇街分别评选；详见统计中的“月度通报”。"),
                "header": [_("类别"), _("红榜"), _("黑榜")],
                "rows": [
                    [
                        g["name"],
                        "、".join(f"{r['name']}（{r['score']}）" for r in g["red"]) or "—",
                        "、".join(f"{r['name']}（{r['score']}）" for r in g["black"]) or "—",
                    ]
                    for g in boards["groups"]
                ],
            }
        )
    for extra in doc.get("extra") or []:
        found.append({k: extra[k] for k in ("title", "header", "rows", "note") if k in extra})
    found.append(
        {
            "title": _("值得关注的工单"),
            "header": [_("工单编号"), _("标题"), _("紧急程度"), _("主办单位"), _("状态")],
            "rows": [[r["number"], r["title"], r["urgency"], r["unit"], r["state"]] for r in doc["notable"]],
        }
    )
    numerals = [pgettext("section number", n) for n in ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")]
    for index, section in enumerate(found):
        section["heading"] = _("%(n)s、%(title)s") % {"n": numerals[index], "title": section["title"]}
    return found


def render_html(doc: dict[str, Any]) -> str:
    return render_to_string("statistics/briefing.html", {"doc": doc, "sections": sections(doc)})


def render_pdf(doc: dict[str, Any]) -> bytes:
    """The PDF of a composed briefing. ReportLab reads a Paragraph's text as markup (<img src>
    fetches URLs and opens files, <a>, <font> …): every text that goes into one is escaped, so
    an order titled <img src="http://…"/> is printed as those characters, never followed.
    Table cells given as text are escaped paragraphs too."""

    # ReportLab loads only when a PDF is drawn: most requests never need it.
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle(
        "body", fontName="STSong-Light", fontSize=10.5, leading=16, wordWrap="CJK", firstLineIndent=21
    )
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    small = ParagraphStyle("small", parent=cell, textColor=colors.dimgrey)
    head = ParagraphStyle("head", fontName="STSong-Light", fontSize=16, leading=22, alignment=1)
    sub = ParagraphStyle("sub", fontName="STSong-Light", fontSize=12, leading=18, spaceBefore=8)
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ]
    )

    def para(text: object, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(str(text)), style)

    def table(header: list[str], rows: list[list[Any]]) -> Table:
        cells = [[para(v, cell) if isinstance(v, str) else v for v in row] for row in rows]
        t = Table([header, *cells] if cells else [header, ["—"] + [""] * (len(header) - 1)], repeatRows=1)
        t.setStyle(style)
        return t

    story: list[Any] = [para(doc["title"], head), Spacer(1, 8)]
    for paragraph in (doc.get("lead"), doc.get("hot"), doc.get("overdue_words")):
        if paragraph:
            story.append(para(paragraph, body))
    if doc.get("bases"):
        story.append(para(doc["bases"], small))
    for section in sections(doc):
        story += [para(section["heading"], sub)]
        if section.get("note"):
            story.append(para(section["note"], small))
        story.append(table([str(h) for h in section["header"]], section["rows"]))
    story += [Spacer(1, 8), para(_("指标口径"), sub)]
    story += [para(f"{f['name']}：{f['definition']}", small) for f in doc["figures"]]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=doc["title"]).build(story)
    return out.getvalue()


def write_briefing(kind: str, first: dt.date, last: dt.date, hub: OrgUnit | None = None) -> Briefing | None:
    """Write `hub`'s briefing of the period unless it exists; None when it already did."""
    if Briefing.objects.filter(kind=kind, start=first, hub=hub).exists():
        return None
    doc = compose(kind, first, last, hub)
    html = render_html(doc)
    pdf = render_pdf(doc)
    try:
        with transaction.atomic():
            return Briefing.objects.create(
                kind=kind, start=first, end=last + dt.timedelta(days=1), hub=hub, data=doc, html=html, pdf=pdf
            )
    except IntegrityError:  # another worker wrote it first
        return None


def run_briefings(now: dt.datetime | None = None) -> int:
    today = local_day(now or timezone.now())
    written = 0
    # One per hub that holds orders: each level reads its own (a county leader the county's,
    # the prefecture's leader the prefecture's, the county in it as one line of figures).
    hubs = [hub for hub in OrgUnit.objects.filter(is_hub=True, active=True).order_by("path") if _briefed(hub)]
    for kind in (BriefingKind.DAILY, BriefingKind.WEEKLY, BriefingKind.MONTHLY):
        first, last = period_of(kind, today)
        for hub in hubs:
            if write_briefing(kind, first, last, hub) is not None:
                written += 1
    return written


def _briefed(hub: OrgUnit) -> bool:
    """A top hub always gets its briefings (a quiet period is news too); a hub below another
    once it holds orders (a hub set up for later gets no empty reports)."""
    if not any(unit.is_hub for unit in hub.ancestors()):
        return True
    return WorkOrder.objects.filter(hub__path__startswith=hub.path).exists()

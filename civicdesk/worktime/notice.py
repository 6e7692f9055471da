"""Reading a year's holiday schedule the way it is published.

Two sources: the text of the State Council's notice (国务院办公厅关于X年部分节假日安排的通知),
pasted as published, and a simple table (date, 放假/上班, name) from CSV or Excel. Both give
a Schedule: every holiday and adjusted working day, each traced to the sentence or row it
came from, plus the problems that must be fixed before it may be saved. Nothing here
touches the database; the admin confirms the preview, then civicdesk.worktime.schedule saves.

What the notices of 2020–2026 write (and this reads):
- items "一、元旦：…", "六、国庆节、中秋节：…", each with sentences ended by "。";
- ranges within a month "2月6日至13日", across months "1月31日至2月6日", across the year
  "2022年12月31日至2023年1月2日" or, in the 元旦 item, "12月31日至1月2日";
- single days "4月5日放假，共1天", "1月1日放假，与周末连休", "1月1日（周三）放假1天";
- several working days "1月26日（周日）、2月8日（周六）上班";
- remarks in brackets "（农历除夕、周二）", "（星期六）", whose weekday is checked against the date;
- an extension "延长2020年春节假期至2月2日" (2020's second notice).
Full-width digits and punctuation are read like their ASCII forms.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.lib.spreadsheet import csv_row

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

# One date, with its optional year and bracketed remark: "2022年12月31日（星期六）".
_DATE = (
    r"(?:(?P<{p}y>\d{{4}})\s*年\s*)?(?P<{p}m>\d{{1,2}})\s*月\s*(?P<{p}d>\d{{1,2}})\s*日"
    r"(?:\s*\((?P<{p}note>[^()]*)\))?"
)
# A date or a range; the end of a range may leave out the year and month: "2月6日至13日".
_TOKEN = re.compile(
    _DATE.format(p="a")
    + r"(?:\s*(?:至|到|-|~)\s*(?:(?:(?P<by>\d{4})\s*年\s*)?(?P<bm>\d{1,2})\s*月\s*)?(?P<bd>\d{1,2})\s*日"
    r"(?:\s*\((?P<bnote>[^()]*)\))?)?"
)
_ITEM = re.compile(r"(?m)(?:^|(?<=[。\s]))\s*[一二三四五六七八九十]+\s*、\s*(?P<name>[^:。\n]{1,30}?)\s*:")
_NOTICE_YEAR = re.compile(r"(\d{4})\s*年\s*(?:部分)?节假日安排")
_COUNT = re.compile(r"(?:共|放假)\s*(\d{1,2})\s*天")
_EXTENSION = re.compile(
    r"延长\s*(?:(?P<y>\d{4})\s*年)?\s*(?P<name>[^\s,。假]{1,10}?)\s*假期\s*至\s*(?:(?P<m>\d{1,2})\s*月)?\s*(?P<d>\d{1,2})\s*日"
)
# Joins the dates of one list: "1月19日（星期日）、2月1日（星期六）上班".
_LIST_SEPARATOR = re.compile(r"^\s*(?:、|,|和|及)\s*$")


@dataclass(frozen=True)
class ScheduleDay:
    day: date
    is_workday: bool
    name: str
    source: str

    @property
    def note(self) -> str:
        """What the calendar page shows for the day (CalendarDay.note)."""
        if self.is_workday and "上班" not in self.name and "班" not in self.name:
            return f"{self.name}调休上班"[:100]
        return self.name[:100]


@dataclass
class Schedule:
    year: int
    days: list[ScheduleDay] = field(default_factory=list)
    # Reasons the schedule may not be saved as it stands, in the user's language.
    problems: list[str] = field(default_factory=list)
    # Sentences that mention a date but were read as neither 放假 nor 上班, for the admin to check.
    unread: list[str] = field(default_factory=list)

    @property
    def holidays(self) -> list[ScheduleDay]:
        return [d for d in self.days if not d.is_workday]

    @property
    def workdays(self) -> list[ScheduleDay]:
        return [d for d in self.days if d.is_workday]

    def is_workday(self, day: date) -> bool:
        """The day as the schedule has it; days it does not name follow Monday–Friday."""
        for entry in self.days:
            if entry.day == day:
                return entry.is_workday
        return day.weekday() < 5


def _normal(text: str) -> str:
    """Full-width digits, brackets, colons and commas as ASCII; 、 and 。 stay. Character by
    character, so a position in the result is the same position in the text as pasted."""
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def _sentences(normal: str, original: str, start: int = 0, end: int | None = None) -> list[tuple[str, str]]:
    """The sentences of normal[start:end], each with its text as pasted (to show the admin)."""
    end = len(normal) if end is None else end
    found = []
    for piece in re.finditer(r"[^。;；\n]+", normal[start:end]):
        if piece.group().strip():
            a, b = start + piece.start(), start + piece.end()
            closing = original[b] if b < len(original) and original[b] == "。" else ""
            found.append((normal[a:b].strip() + "。", original[a:b].strip() + closing))
    return found


_WEEKDAY_LABELS = (
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)


def weekday_name(day: date) -> str:
    return str(_WEEKDAY_LABELS[day.weekday()])


class _Reader:
    def __init__(self, year: int) -> None:
        self.year = year
        self.schedule = Schedule(year)
        self._seen: dict[date, ScheduleDay] = {}

    # -- dates ------------------------------------------------------------------------

    def _date(self, y: str | None, m: str, d: str, default_year: int, sentence: str) -> date | None:
        try:
            return date(int(y) if y else default_year, int(m), int(d))
        except ValueError:
            self.problem(_("“%(s)s”：%(m)s月%(d)s日不是有效的日期。") % {"s": sentence, "m": m, "d": d})
            return None

    def _check_weekday(self, day: date, remark: str | None, sentence: str) -> None:
        if not remark:
            return
        found = re.search(r"(?:周|星期|礼拜)([一二三四五六日天])", remark)
        if found and _WEEKDAYS[found.group(1)] != day.weekday():
            self.problem(
                _("“%(s)s”：%(day)s 是%(real)s，通知写的是“%(said)s”，请核对年份和日期。")
                % {"s": sentence, "day": f"{day:%Y-%m-%d}", "real": weekday_name(day), "said": found.group(0)}
            )

    def token_days(self, match: re.Match[str], section: str, sentence: str) -> list[date]:
        """The days of one date or range, in the notice's year (元旦's December is the year before)."""
        g = match.groupdict()
        crossing = g["bd"] is not None and g["bm"] is not None and int(g["bm"]) < int(g["am"])
        if crossing:
            end_year = int(g["by"]) if g["by"] else self.year
            start_default = end_year - 1
        else:
            new_year = "元旦" in section or "新年" in section
            start_default = self.year - 1 if new_year and int(g["am"]) == 12 and not g["ay"] else self.year
        start = self._date(g["ay"], g["am"], g["ad"], start_default, sentence)
        if start is None:
            return []
        self._check_weekday(start, g["anote"], sentence)
        if g["bd"] is None:
            return [start]
        end = self._date(
            g["by"],
            g["bm"] or str(start.month),
            g["bd"],
            start.year + 1 if crossing and not g["by"] else start.year,
            sentence,
        )
        if end is None:
            return []
        self._check_weekday(end, g["bnote"], sentence)
        if end < start:
            self.problem(_("“%(s)s”：结束日期早于开始日期。") % {"s": sentence})
            return []
        if (end - start).days > 31:
            self.problem(_("“%(s)s”：假期超过一个月，请核对日期。") % {"s": sentence})
            return []
        return [start + timedelta(days=i) for i in range((end - start).days + 1)]

    # -- results ----------------------------------------------------------------------

    def problem(self, message: str) -> None:
        if message not in self.schedule.problems:
            self.schedule.problems.append(message)

    def add(self, entry: ScheduleDay, *, replace: bool = False) -> None:
        before = self._seen.get(entry.day)
        if before is not None and not replace:
            if before.is_workday != entry.is_workday:
                self.problem(
                    _("%(day)s 既被写成放假又被写成上班：“%(a)s”与“%(b)s”。")
                    % {"day": f"{entry.day:%Y-%m-%d}", "a": before.source, "b": entry.source}
                )
            return
        self._seen[entry.day] = entry

    def finish(self) -> Schedule:
        self.schedule.days = sorted(self._seen.values(), key=lambda d: d.day)
        if not self.schedule.days and not self.schedule.problems:
            self.problem(_("没有读出任何放假或上班的日期。请粘贴通知正文（含“一、元旦：……”各条）。"))
        for entry in self.schedule.days:
            if not self.year - 1 <= entry.day.year <= self.year or (
                entry.day.year == self.year - 1 and entry.day.month != 12
            ):
                self.problem(
                    _("%(day)s 不在 %(year)s 年的安排之内，请核对年份。")
                    % {"day": f"{entry.day:%Y-%m-%d}", "year": self.year}
                )
        return self.schedule


def _groups(sentence: str) -> list[tuple[list[re.Match[str]], str]]:
    """The dates of a sentence in groups joined by 、, each with the text that follows the
    group (which says 放假 or 上班)."""
    matches = list(_TOKEN.finditer(sentence))
    groups: list[tuple[list[re.Match[str]], str]] = []
    current: list[re.Match[str]] = []
    for i, match in enumerate(matches):
        current.append(match)
        following = sentence[match.end() : matches[i + 1].start() if i + 1 < len(matches) else len(sentence)]
        if i + 1 < len(matches) and _LIST_SEPARATOR.match(following):
            continue
        groups.append((current, following))
        current = []
    return groups


def parse_notice(text: str, year: int) -> Schedule:
    """Every holiday and adjusted working day the notice's text implies, for `year` (the year
    the admin chose; a notice that names another year is a problem, not a guess)."""
    reader = _Reader(year)
    normal = _normal(text)
    named = _NOTICE_YEAR.search(normal)
    if named and int(named.group(1)) != year:
        reader.problem(_("这是 %(named)s 年的通知，您选择的是 %(year)s 年。") % {"named": named.group(1), "year": year})
    items = list(_ITEM.finditer(normal))
    sections: list[tuple[str, int, int]] = []
    for i, item in enumerate(items):
        end = items[i + 1].start() if i + 1 < len(items) else len(normal)
        # An item ends at its line: what follows (the closing paragraph) is not part of it.
        line_end = normal.find("\n", item.end(), end)
        sections.append((item.group("name").strip(), item.end(), end if line_end < 0 else min(end, line_end)))
    for section, start, end in sections:
        for sentence, shown in _sentences(normal, text, start, end):
            if not _EXTENSION.search(sentence):
                _read_sentence(reader, section, sentence, shown)
    # Extensions may stand outside any "X、name:" item (2020: "一、延长2020年春节假期至2月2日…"),
    # and apply once every holiday they may extend has been read.
    for sentence, shown in _sentences(normal, text):
        found = _EXTENSION.search(sentence)
        if found:
            _extend(reader, shown, found)
    return reader.finish()


def _read_sentence(reader: _Reader, section: str, sentence: str, shown: str) -> None:
    """One sentence of an item; `shown` is the sentence as pasted, which every day it gives
    is traced to."""
    took_any = False
    mentions_date = False
    for group, following in _groups(sentence):
        first = group[0]
        mentions_date = True
        before = sentence[max(0, first.start() - 1) : first.start()]
        # A date in brackets is a remark ("安排职工在除夕（2月9日）休息"); "2月3日起正常上班"
        # is the end of a holiday, not an adjusted working day.
        if before == "(" or following.lstrip().startswith("起"):
            continue
        if "放假" in following:
            kind: bool | None = False
        elif "上班" in following:
            kind = True
        else:
            kind = None
        if kind is None:
            continue
        days: list[date] = []
        for match in group:
            days += reader.token_days(match, section, shown)
        if not kind and len(group) == 1:
            count = _COUNT.search(following)
            if count and days and int(count.group(1)) != len(days):
                reader.problem(
                    _("“%(s)s”：日期范围是 %(n)s 天，通知写的是 %(m)s 天。")
                    % {"s": shown, "n": len(days), "m": count.group(1)}
                )
        for day in days:
            reader.add(ScheduleDay(day, kind, section, shown))
        took_any = True
    if mentions_date and not took_any:
        reader.schedule.unread.append(shown)


def _extend(reader: _Reader, sentence: str, found: re.Match[str]) -> None:
    """ "延长春节假期至2月2日": the days after that holiday's last day up to the date become
    holidays, and its adjusted working days among them are called off."""
    name = found.group("name")
    year = int(found.group("y")) if found.group("y") else reader.year
    ours = [d for d in reader._seen.values() if not d.is_workday and name in d.name]
    if not ours:
        reader.problem(_("“%(s)s”：通知中没有找到要延长的“%(name)s”假期。") % {"s": sentence, "name": name})
        return
    last = max(d.day for d in ours)
    month = int(found.group("m")) if found.group("m") else last.month
    until = reader._date(str(year), str(month), found.group("d"), year, sentence)
    if until is None:
        return
    if until <= last:
        reader.problem(_("“%(s)s”：延长后的日期不晚于原假期的最后一天。") % {"s": sentence})
        return
    label = ours[0].name
    day = last + timedelta(days=1)
    while day <= until:
        reader.add(ScheduleDay(day, False, label, sentence), replace=True)
        day += timedelta(days=1)


# ---------------------------------------------------------------------------------------
# The table: date, 放假/上班, name

_REST_WORDS = {"放假", "休", "休息", "休息日", "假", "节假日", "rest", "holiday", "off"}
_WORK_WORDS = {"上班", "班", "补班", "工作日", "调休上班", "work", "workday"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _cell_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _normal(str(value or "")).strip()
    for fmt in _DATE_FORMATS:
        try:
            # Only the date is kept: no time, so no time zone to lose.
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def parse_rows(rows: Iterable[Sequence[object]], year: int) -> Schedule:
    """A table's rows (a header row is skipped) as a schedule; each row is traced as 第N行."""
    reader = _Reader(year)
    for number, row in enumerate(rows, start=1):
        cells = list(row)
        if not any(str(c or "").strip() for c in cells):
            continue
        shown = "，".join(_cell_text(c) for c in cells if c not in (None, ""))
        source = _("第%(n)s行：%(row)s") % {"n": number, "row": shown}
        day = _cell_date(cells[0] if cells else None)
        kind_text = _normal(str(cells[1] if len(cells) > 1 and cells[1] is not None else "")).strip().lower()
        name = _normal(str(cells[2] if len(cells) > 2 and cells[2] is not None else "")).strip()
        if day is None:
            if number == 1:
                continue  # a header row ("日期, 类型, 名称")
            reader.problem(
                _("第%(n)s行：“%(v)s”不是日期，请写成 2027-01-01。") % {"n": number, "v": _cell_text(cells[0])}
            )
            continue
        if kind_text in _REST_WORDS:
            is_workday = False
        elif kind_text in _WORK_WORDS:
            is_workday = True
        else:
            reader.problem(_("第%(n)s行：第二列须为“放假”或“上班”，现为“%(v)s”。") % {"n": number, "v": kind_text})
            continue
        if not name:
            reader.problem(_("第%(n)s行：请填写名称（如“春节”）。") % {"n": number})
            continue
        reader.add(ScheduleDay(day, is_workday, name[:100], source))
    return reader.finish()


def _cell_text(value: object) -> str:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value if value is not None else "").strip()


class TableError(ValueError):
    """A file that is not a table we can read; the message is for the user."""


def read_table(name: str, content: bytes) -> list[list[object]]:
    """The rows of an uploaded CSV (UTF-8 or GB18030) or Excel (.xlsx) file."""
    if name.lower().endswith((".xlsx", ".xlsm")):
        # openpyxl is heavy: loaded only when a table is imported.
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise TableError(_("无法读取这个 Excel 文件，请另存为 .xlsx 或 CSV 后再试。")) from None
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)][:2000]
    if not name.lower().endswith((".csv", ".txt")):
        raise TableError(_("请上传 CSV 或 Excel（.xlsx）文件。"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(_("无法识别文件的编码，请以 UTF-8 保存 CSV。"))
    return table_rows(text)


def table_rows(text: str) -> list[list[object]]:
    rows: list[list[object]] = [list(row) for row in csv.reader(io.StringIO(text))]
    return rows[:2000]


def rows_as_text(rows: Iterable[Sequence[object]]) -> str:
    """The rows as CSV text: what the preview carries to the confirming request (and shows
    for correcting, whence it may be pasted into a spreadsheet: cells are kept from formulas)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(csv_row([_cell_text(c) for c in row]))
    return out.getvalue()

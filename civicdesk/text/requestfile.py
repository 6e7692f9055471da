"""Requests read from a file for the hotspot command: the Teddy Cup message layout (留言编号,
留言用户, 留言主题, 留言时间, 留言详情, 点赞数/反对数 where present) or the project's own order
export (工单编号, 受理时间, 紧急程度, 区域, 标题, 联系电话 …, after its title row). Pure code.

A row whose time cannot be read is not dropped silently: it is listed in `problems`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from civicdesk.text.similar import Request
from civicdesk.text.teddycup import TeddyCupFormatError, clean_cell, iter_rows

_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
)
TEDDY = {"id": "留言编号", "user": "留言用户", "title": "留言主题", "time": "留言时间", "text": "留言详情"}
EXPORT = {"id": "工单编号", "user": "联系电话", "title": "标题", "time": "受理时间", "area": "区域"}
URGENT = ("紧急", "特急", "urgent", "emergency")


def parse_time(value: str) -> datetime | None:
    value = clean_cell(value).split(".")[0]
    for fmt in _FORMATS:
        try:
            # Wall-clock times without a zone, compared only with each other.
            return datetime.strptime(value, fmt)  # noqa: DTZ007
        except ValueError:
            continue
    return None


@dataclass
class RequestFile:
    requests: list[Request]
    layout: str  # "teddycup" or "export"
    problems: list[str] = field(default_factory=list)


def _int(value: str) -> int:
    try:
        return max(int(float(value)), 0) if value.strip() else 0
    except ValueError:
        return 0


def read_requests(path: str | Path) -> RequestFile:
    """Read requests from a CSV or XLSX file in either layout (the header is found in the
    first three rows)."""
    path = Path(path)
    rows = iter_rows(path)
    header: list[str] | None = None
    layout = ""
    for _ in range(3):
        row = next(rows, None)
        if row is None:
            break
        names = [clean_cell(c) for c in row]
        if TEDDY["title"] in names:
            header, layout = names, "teddycup"
            break
        if EXPORT["id"] in names and EXPORT["title"] in names:
            header, layout = names, "export"
            break
    if header is None:
        raise TeddyCupFormatError(
            f"{path.name}: neither the message layout ({TEDDY['title']}, {TEDDY['time']} …) "
            f"nor the order export ({EXPORT['id']}, {EXPORT['title']} …) was found in the first rows"
        )
    index = {name: i for i, name in reversed(list(enumerate(header))) if name}
    columns = TEDDY if layout == "teddycup" else EXPORT

    def get(row: list[str], name: str) -> str:
        position = index.get(name)
        return clean_cell(row[position]) if position is not None and position < len(row) else ""

    found = RequestFile([], layout)
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        title, text = get(row, columns["title"]), get(row, columns.get("text", ""))
        if not title and not text:
            continue
        at = parse_time(get(row, columns["time"]))
        if at is None:
            found.problems.append(f"row {number}: unreadable time {get(row, columns['time'])!r}")
            continue
        found.requests.append(
            Request(
                ident=get(row, columns["id"]) or f"row{number}",
                title=title,
                text=text,
                at=at,
                caller=get(row, columns["user"]),
                area=get(row, columns.get("area", "")),
                supports=_int(get(row, "点赞数")),
                urgent=get(row, "紧急程度") in URGENT,
            )
        )
    return found

"""Test files built at test time from the public data in ../shared/data (never copied into
the repository): a slice of Boston 311, and a Chinese sample from the Teddy Cup files."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import pytest

from civicdesk.org.models import OrgUnit, UnitKind

# ../shared/data beside the repository; CIVICDESK_TEST_DATA names it where the checkout lives elsewhere.
DATA = Path(os.environ.get("CIVICDESK_TEST_DATA") or Path(__file__).resolve().parents[2].parent / "shared" / "data")
BOSTON = DATA / "boston311_2015_subset"
TEDDY = DATA / "tipdm2020_c_smart_gov" / "附件4.xlsx"
MAPS = Path(__file__).resolve().parents[2] / "civicdesk" / "exchange" / "maps"


def need(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"public test data not found at {path} (see ../shared/data/README.md)")


def boston_rows(per_file: int) -> list[dict[str, str]]:
    """The first `per_file` cases of every Boston 311 file, in file name order."""
    need(BOSTON)
    rows: list[dict[str, str]] = []
    for file in sorted(BOSTON.glob("*.csv")):
        if file.name == "MANIFEST.csv":
            continue
        with file.open(encoding="utf-8", newline="") as f:
            for index, row in enumerate(csv.DictReader(f)):
                if index >= per_file:
                    break
                rows.append(row)
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def boston_org(rows: list[dict[str, str]]) -> OrgUnit:
    """A hub for Boston with one unit per department the rows name, coded as in the file."""
    hub = OrgUnit.objects.create(name="Boston 311", code="bos-311", kind=UnitKind.CENTER, is_hub=True)
    for code in sorted({r["Department"] for r in rows}):
        OrgUnit.objects.create(name=f"Boston {code}", code=code, kind=UnitKind.DEPARTMENT, parent=hub)
    return hub


# Units of the Chinese sample: the department a reply names, else the district it comes from.
_DEPARTMENTS = [
    ("住房和城乡建设", "住建局"),
    ("住建", "住建局"),
    ("教育", "教育局"),
    ("公安", "公安局"),
    ("人力资源", "人社局"),
    ("人社", "人社局"),
    ("自然资源", "自然资源局"),
    ("交通", "交通运输局"),
    ("卫生", "卫健委"),
    ("市场监督", "市场监管局"),
    ("生态环境", "生态环境局"),
    ("城管", "城管局"),
]
_DISTRICT = re.compile(r"A\d{1,2}区")


def teddy_unit(reply: str) -> str:
    for word, unit in _DEPARTMENTS:
        if word in reply:
            return unit
    district = _DISTRICT.search(reply)
    return district.group(0) + "人民政府" if district else "市政府办公室"


def teddy_sample(path: Path, count: int) -> tuple[Path, list[dict[str, object]]]:
    """附件4's messages with their government replies as an .xlsx in the columns of the
    teddycup map, plus two columns the source lacks, derived from it deterministically: the
    unit that replied (named in the reply) and a callback a day after the reply (rating
    picked from the message number's hash). Returns the file and its rows."""
    need(TEDDY)
    from openpyxl import Workbook, load_workbook

    source = load_workbook(TEDDY, read_only=True).worksheets[0]
    rows = source.iter_rows(values_only=True)
    header = [str(h).strip() for h in next(rows)]
    out: list[dict[str, object]] = []
    ratings = [("已解决", "满意"), ("已解决", "基本满意"), ("部分解决", "不满意"), ("未解决", "不满意")]
    for values in rows:
        if len(out) >= count:
            break
        row = dict(zip(header, values, strict=False))
        if not row.get("留言编号") or not row.get("答复时间"):
            continue
        replied = _moment(row["答复时间"])
        asked = _moment(row["留言时间"])
        if replied is None or asked is None or replied < asked:
            continue  # a few source rows are replied before they were asked: not this sample's concern
        reply = str(row["答复意见"] or "").strip()
        pick = int(hashlib.sha256(str(row["留言编号"]).encode()).hexdigest(), 16) % len(ratings)
        solved, satisfied = ratings[pick]
        out.append(
            {
                "留言编号": str(row["留言编号"]).strip(),
                "留言用户": str(row["留言用户"] or "").strip(),
                "留言主题": str(row["留言主题"] or "").strip(),
                "留言时间": asked,
                "留言详情": str(row["留言详情"] or "").strip(),
                "承办单位": teddy_unit(reply),
                "答复意见": reply,
                "答复时间": replied,
                "回访时间": replied + dt.timedelta(days=1),
                "解决情况": solved,
                "满意度": satisfied,
            }
        )
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    columns = list(out[0])
    sheet.append(columns)
    for r in out:
        sheet.append([r[c] for c in columns])
    book.save(path)
    return path, out


def _moment(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    for form in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(str(value).strip(), form)  # noqa: DTZ007 - local times of the file
        except ValueError:
            continue
    return None


def teddy_org(rows: list[dict[str, object]]) -> OrgUnit:
    hub = OrgUnit.objects.create(name="A市12345热线", code="a-12345", kind=UnitKind.CENTER, is_hub=True)
    for index, name in enumerate(sorted({str(r["承办单位"]) for r in rows})):
        kind = UnitKind.TOWN if name.endswith("人民政府") else UnitKind.DEPARTMENT
        OrgUnit.objects.create(name=name, code=f"a-{index}", kind=kind, parent=hub)
    return hub

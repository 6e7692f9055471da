"""A year's schedule imported as a table (date, 放假/上班, name) from CSV or Excel."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from civicdesk.worktime.notice import TableError, parse_rows, read_table, rows_as_text, table_rows


def test_a_csv_with_a_header_row() -> None:
    text = "日期,类型,名称\n2027-01-01,放假,元旦\n2027/2/14,上班,春节调休\n2027年2月8日,休,春节\n"
    schedule = parse_rows(read_table("2027.csv", text.encode("utf-8")), 2027)

    assert schedule.problems == []
    assert [(d.day, d.is_workday, d.name) for d in schedule.days] == [
        (date(2027, 1, 1), False, "元旦"),
        (date(2027, 2, 8), False, "春节"),
        (date(2027, 2, 14), True, "春节调休"),
    ]
    assert schedule.days[0].source == "第2行：2027-01-01，放假，元旦"


def test_a_gb18030_csv_as_saved_by_a_chinese_excel() -> None:
    rows = read_table("2027.csv", "2027-10-01,放假,国庆节\n".encode("gb18030"))

    assert rows == [["2027-10-01", "放假", "国庆节"]]


def test_an_excel_sheet_with_date_cells_round_trips_through_the_preview_text() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["日期", "放假/上班", "名称"])
    sheet.append([datetime(2027, 10, 1), "放假", "国庆节"])
    sheet.append([datetime(2027, 10, 9), "上班", "国庆节调休"])
    buffer = io.BytesIO()
    book.save(buffer)

    rows = read_table("安排.xlsx", buffer.getvalue())
    carried = table_rows(rows_as_text(rows))
    schedule = parse_rows(carried, 2027)

    assert schedule.problems == []
    assert [(d.day, d.is_workday) for d in schedule.days] == [(date(2027, 10, 1), False), (date(2027, 10, 9), True)]


def test_bad_rows_are_named_by_their_row_number() -> None:
    schedule = parse_rows(
        [
            ["2027-01-01", "放假", "元旦"],
            ["明天", "放假", "x"],
            ["2027-01-04", "加班", "x"],
            ["2027-01-05", "上班", ""],
        ],
        2027,
    )

    assert schedule.problems == [
        "第2行：“明天”不是日期，请写成 2027-01-01。",
        "第3行：第二列须为“放假”或“上班”，现为“加班”。",
        "第4行：请填写名称（如“春节”）。",
    ]


def test_a_day_outside_the_year_is_a_problem() -> None:
    schedule = parse_rows([["2028-01-01", "放假", "元旦"]], 2027)

    assert schedule.problems == ["2028-01-01 不在 2027 年的安排之内，请核对年份。"]


def test_other_files_are_refused_with_a_clear_message() -> None:
    with pytest.raises(TableError, match=r"^请上传 CSV 或 Excel（\.xlsx）文件。$"):
        read_table("安排.pdf", b"%PDF")

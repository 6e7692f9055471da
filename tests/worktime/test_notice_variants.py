"""The ways notices are written, and the mistakes a pasted or typed notice may hold: each
mistake is a problem shown before saving, never a silent guess."""

from __future__ import annotations

from datetime import date

from civicdesk.worktime.notice import parse_notice

# The form of the notice on one line, as copied from a web page (a made-up 2027).
ONE_LINE = (
    "国务院办公厅关于2027年部分节假日安排的通知 一、元旦：1月1日（周五）放假，与周末连休。"
    "二、春节：2月6日至13日放假调休，共8天。2月14日（周日）上班。"
)


def _days(text: str, year: int) -> dict[date, tuple[bool, str]]:
    schedule = parse_notice(text, year)
    assert schedule.problems == []
    return {d.day: (d.is_workday, d.name) for d in schedule.days}


def test_the_issue_example_gives_every_holiday_and_the_working_sunday() -> None:
    days = _days(ONE_LINE, 2027)

    assert days[date(2027, 1, 1)] == (False, "元旦")
    assert [d for d, (work, name) in days.items() if name == "春节" and not work] == [
        date(2027, 2, d) for d in range(6, 14)
    ]
    assert days[date(2027, 2, 14)] == (True, "春节")
    assert len(days) == 10


def test_each_day_is_traced_to_its_sentence() -> None:
    schedule = parse_notice(ONE_LINE, 2027)
    by_day = {d.day: d for d in schedule.days}

    assert by_day[date(2027, 2, 9)].source == "2月6日至13日放假调休，共8天。"
    assert by_day[date(2027, 2, 14)].source == "2月14日（周日）上班。"
    assert by_day[date(2027, 2, 14)].note == "春节调休上班"


def test_new_year_across_the_year_without_years_written() -> None:
    days = _days("一、元旦：12月31日至1月2日放假调休，共3天。12月29日（星期六）上班。", 2019)

    assert days == {
        date(2018, 12, 29): (True, "元旦"),
        date(2018, 12, 31): (False, "元旦"),
        date(2019, 1, 1): (False, "元旦"),
        date(2019, 1, 2): (False, "元旦"),
    }


def test_full_width_digits_and_brackets_and_a_range_across_months() -> None:
    days = _days("二、春节：１月２８日（农历除夕、星期二）至２月４日（农历正月初七、周二）放假调休，共８天。", 2025)

    assert sorted(days) == [date(2025, 1, d) for d in range(28, 32)] + [date(2025, 2, d) for d in range(1, 5)]


def test_several_working_days_listed_with_the_enumeration_comma() -> None:
    days = _days("七、国庆节：10月1日至7日放假调休，共7天。9月26日（星期日）、10月9日（星期六）上班。", 2021)

    assert days[date(2021, 9, 26)] == (True, "国庆节")
    assert days[date(2021, 10, 9)] == (True, "国庆节")


def test_a_weekday_that_does_not_match_the_date_is_a_problem() -> None:
    schedule = parse_notice("二、春节：2月14日（周六）上班。", 2027)  # 2027-02-14 is a Sunday

    assert schedule.problems == ["“2月14日（周六）上班。”：2027-02-14 是周日，通知写的是“周六”，请核对年份和日期。"]


def test_a_count_that_does_not_match_the_range_is_a_problem() -> None:
    schedule = parse_notice("二、春节：2月6日至12日放假调休，共8天。", 2027)

    assert schedule.problems == ["“2月6日至12日放假调休，共8天。”：日期范围是 7 天，通知写的是 8 天。"]


def test_a_notice_of_another_year_is_a_problem() -> None:
    schedule = parse_notice("国务院办公厅关于2026年部分节假日安排的通知\n三、清明节：4月4日至6日放假，共3天。", 2027)

    assert schedule.problems[0] == "这是 2026 年的通知，您选择的是 2027 年。"


def test_a_day_both_off_and_on_is_a_problem() -> None:
    schedule = parse_notice("一、元旦：1月1日至3日放假，共3天。1月2日（周六）上班。", 2027)

    assert any("既被写成放假又被写成上班" in p for p in schedule.problems)


def test_text_without_any_item_is_a_problem() -> None:
    schedule = parse_notice("明年放假安排还没出来", 2027)

    assert schedule.days == []
    assert schedule.problems == ["没有读出任何放假或上班的日期。请粘贴通知正文（含“一、元旦：……”各条）。"]


def test_an_impossible_date_is_a_problem() -> None:
    schedule = parse_notice("二、春节：2月30日放假，共1天。", 2027)

    assert schedule.problems == ["“2月30日放假，共1天。”：2月30日不是有效的日期。"]

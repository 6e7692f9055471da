"""Requests about one matter at one place become one hotspot whatever their words; the same
words at two places make two (civicdesk.text.similar, the code the product and the command share)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from civicdesk.text.similar import Reader, Request, compare, group

START = datetime(2026, 11, 1, 9, 0)


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader(["幸福里小区", "渔港小区"])


def _requests(titles: list[str], *, days_apart: int = 1) -> list[Request]:
    return [
        Request(ident=str(i), title=title, text="", at=START + timedelta(days=i * days_apart), caller=f"1380000{i:04d}")
        for i, title in enumerate(titles)
    ]


def test_one_matter_at_one_place_in_different_words_is_one_hotspot(reader: Reader) -> None:
    titles = [
        "幸福里小区楼下烧烤店油烟扰民",
        "投诉幸福里小区临街饭店排烟",
        "幸福里小区底商烧烤噪音油烟到半夜",
        "幸福里小区餐馆油烟污染",
    ]
    groups = group(_requests(titles), reader)
    assert len(groups) == 1
    assert [m.title for m in groups[0].members] == titles
    assert groups[0].profile.main_place() == "幸福里小区"
    assert "油烟" in groups[0].profile.title()


def test_the_same_words_at_two_places_are_two_hotspots(reader: Reader) -> None:
    titles = [
        "幸福里小区楼下烧烤店油烟扰民",
        "渔港小区楼下烧烤店油烟扰民",
        "幸福里小区烧烤油烟扰民",
        "渔港小区烧烤油烟扰民",
    ]
    groups = group(_requests(titles), reader)
    assert sorted(sorted(m.title for m in g.members) for g in groups) == [
        ["幸福里小区楼下烧烤店油烟扰民", "幸福里小区烧烤油烟扰民"],
        ["渔港小区楼下烧烤店油烟扰民", "渔港小区烧烤油烟扰民"],
    ]


def test_two_matters_at_one_place_are_two_hotspots(reader: Reader) -> None:
    titles = [
        "幸福里小区楼下烧烤店油烟扰民",
        "幸福里小区电梯经常故障困人",
        "幸福里小区饭店油烟太大",
        "幸福里小区电梯坏了没人修",
    ]
    groups = group(_requests(titles), reader)
    assert len(groups) == 2


def test_a_place_written_two_ways_is_one_place(reader: Reader) -> None:
    a = reader.features("A市万科魅力之城商铺油烟扰民")
    b = reader.features("A5区劳动东路魅力之城小区临街餐馆油烟扰民")
    assert compare(a, b) is not None
    c = reader.features("A5区东方新城小区临街餐馆油烟扰民")
    assert compare(a, c) is None  # 新城 and 之城 alone do not make two estates one


def test_orders_far_apart_in_time_start_a_new_hotspot(reader: Reader) -> None:
    titles = ["幸福里小区楼下烧烤店油烟扰民", "幸福里小区烧烤油烟扰民"]
    assert len(group(_requests(titles, days_apart=120), reader, timedelta(days=60))) == 2
    assert len(group(_requests(titles, days_apart=10), reader, timedelta(days=60))) == 1


def test_without_a_place_only_close_wording_groups(reader: Reader) -> None:
    same = group(_requests(["学院强制学生寒假去工厂实习", "学校寒假强制学生去工厂实习"]), reader)
    apart = group(_requests(["学院强制学生寒假去工厂实习", "公交车到站不停车"]), reader)
    assert len(same) == 1
    assert len(apart) == 2

"""The pinyin the pickers search by: one reading per character, chosen in context, with the
character's other readings, so that 住建局 is found by zj and 重庆 by chongqing."""

from __future__ import annotations

from civicdesk.lib.pinyin import initials, readings


def test_it_gives_one_reading_per_character() -> None:
    chosen = [token.split("|")[0] for token in readings("市住房和城乡建设局").split(" ")]
    assert chosen == ["shi", "zhu", "fang", "he", "cheng", "xiang", "jian", "she", "ju"]
    assert len(readings("东州市12345政务 热线").split(" ")) == len("东州市12345政务 热线")


def test_it_reads_a_character_by_its_context_first() -> None:
    chong, _qing = readings("重庆").split(" ")
    assert chong.split("|")[0] == "chong"
    assert "zhong" in chong.split("|")  # 重 read the other way still matches


def test_it_keeps_digits_and_latin_letters_as_they_are() -> None:
    assert readings("12345热线A").split(" ")[:5] == ["1", "2", "3", "4", "5"]
    assert readings("12345热线A").split(" ")[-1] == "a"


def test_initials_are_what_operators_type() -> None:
    assert initials("住建局") == "zjj"
    assert initials("马家村") == "mjc"

"""Each reply check on real-looking replies of a 12345 unit (civicdesk.text.replycheck)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from civicdesk.text.replycheck import Phrase, check_reply, places_in

REQUEST = "崖头街道人民路路面坑洼 人民路与成山大道交叉口南侧路面有多处坑洼，雨天积水，行人车辆通行困难，请尽快修复。"
PLACE = "荣成市崖头街道人民路"
GOOD = (
    "经核实，人民路与成山大道交叉口南侧路面确有多处坑洼。根据《城市道路管理条例》第二十条，我局已于12月3日"
    "安排养护队现场修复并清理积水，现已恢复正常通行。如有疑问，请致电市住建局0631-7561234。"
)


def _check(reply: str, result: str = "solved", **kw: object):
    return check_reply(request=REQUEST, reply=reply, result=result, place=PLACE, **kw)  # type: ignore[arg-type]


def _checks(quality) -> set[str]:
    return {f.check for f in quality.findings}


def test_a_complete_relevant_reply_passes() -> None:
    quality = _check(GOOD)
    assert quality.findings == ()
    assert quality.parts == ("done", "basis", "result", "contact")


def test_rude_and_evasive_words_block_with_the_words_named() -> None:
    quality = _check("瞎投诉，这事不归我们管。")
    assert quality.blocking
    reasons = " ".join(f.reason for f in quality.findings if f.check == "tone")
    assert "瞎投诉" in reasons and "不归我们管" in reasons
    # Nor does it say anything of the road, or what was done.
    assert {"relevance", "completeness"} <= _checks(quality)


def test_telling_the_caller_to_sort_it_out_is_evasive() -> None:
    quality = _check("经了解，该问题属于邻里纠纷，请来电人自行解决。" + GOOD)
    assert [f.reason for f in quality.findings] == ["答复含有推诿、敷衍的说法：“自行解决”。"]


def test_the_administrators_list_replaces_the_default() -> None:
    phrases = [Phrase("研究研究", "evasive")]
    assert not _check("瞎投诉。" + GOOD, phrases=phrases).failed("tone")
    assert _check("我们再研究研究。" + GOOD, phrases=phrases).failed("tone")


def test_solved_while_saying_it_will_be_handled_later_is_a_contradiction() -> None:
    quality = _check("您反映的人民路坑洼问题，我局将于下周安排施工队修复，请耐心等待。联系电话0631-7561234。")
    found = [f for f in quality.findings if f.check == "contradiction"]
    assert found and found[0].severity == "block"
    assert "将于下周安排施工队修复" in found[0].reason


def test_prevention_after_a_repair_is_no_contradiction() -> None:
    quality = _check(GOOD + "后续将加强日常巡查，防止问题反复。")
    assert not quality.failed("contradiction")


def test_the_same_words_marked_partly_solved_are_consistent() -> None:
    reply = "人民路坑洼已先行用沥青临时填补，根据年度养护计划，将于明年春季安排彻底翻修。联系电话0631-7561234。"
    assert not _check(reply, result="partly").failed("contradiction")
    assert _check(reply, result="solved").failed("contradiction")


def test_unsolved_while_saying_solved_is_a_contradiction() -> None:
    assert _check(GOOD.replace("现已恢复正常通行", "问题已解决"), result="unsolved").failed("contradiction")
    assert not _check("人民路坑洼尚未解决，需待明年立项。", result="unsolved").failed("contradiction")


def test_a_reply_about_something_else_is_not_relevant() -> None:
    quality = _check(
        "经查，该小区物业费收费标准符合《山东省物业服务收费管理办法》规定，已向业主做好解释。联系电话0631-7560000。"
    )
    reasons = [f.reason for f in quality.findings if f.check == "relevance"]
    assert any("共同的内容" in r for r in reasons)
    assert any("人民路" in r for r in reasons)


def test_completeness_names_what_is_missing() -> None:
    quality = _check("人民路坑洼已修复。")
    found = [f for f in quality.findings if f.check == "completeness"]
    assert found and "依据" in found[0].reason and "联系方式" in found[0].reason
    assert "结果" not in found[0].reason


def test_a_late_reply_says_how_late() -> None:
    sh = ZoneInfo("Asia/Shanghai")
    due = datetime(2026, 12, 1, 17, 30, tzinfo=sh)
    quality = _check(GOOD, replied_at=due + timedelta(days=2), due_at=due, late_days=2.0)
    assert [f.reason for f in quality.findings] == ["超过办理时限 2.0 个工作日答复。"]
    assert not _check(GOOD, replied_at=due - timedelta(hours=1), due_at=due).flagged


def test_places_are_found_in_what_people_write() -> None:
    assert places_in("我住在幸福家园小区3号楼，楼下的烧烤店每晚噪音扰民") == ["幸福家园小区"]
    assert "人民路" in places_in(REQUEST)

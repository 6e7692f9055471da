"""质检 in the browser: a complaint taken on a CTI call lands in the inspection queue by the
sampling rule; the inspector listens through the recording link (checked and written down),
reads the order and scores the call on the form; the operator reads the result and appeals
once; the center's leader, from the menu, decides the appeal and the operator sees the final
score."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

CALL_ID = "e2e-qc-0001"
CALLER = "13955550017"
RECORDING = "REC-E2E-QC-0001"
TITLE = "物业擅自提高停车费"
CONTENT = "来电人投诉：青岚市东山街道海景花园物业未经业主大会同意，把地下停车费从每月150元提高到260元，要求处理。"
APPEAL = "我在通话开头报了工号，请复听录音前十秒。"
DECISION = "复听录音，开头已报工号，撤销该项扣分。"


def _post(base: str, token: str, **event: Any) -> dict[str, Any]:
    request = urllib.request.Request(
        base + "/api/v1/calls/events",
        data=json.dumps({"call_id": CALL_ID, "phone": CALLER, **event}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body: dict[str, Any] = json.loads(response.read())
        return body


def _take_a_complaint_on_a_call(live_app: str, token: str, operator: Any) -> str:
    """operator1 answers a call from the CTI and takes a complaint on it; the call ends with a recording."""
    _post(live_app, token, event="queued", queue="普通话")
    _post(live_app, token, event="ringing", extension="8001")
    _post(live_app, token, event="answered")
    operator.goto(f"/intake/?caller={CALLER}&call_id={CALL_ID}")
    operator.fill("#id_citizen_name", "孙先生")
    operator.locator("#id_request_type").select_option("complaint")
    operator.fill("#id_title", TITLE)
    with operator.expect_response(lambda r: "/intake/suggest" in r.url):
        operator.fill("#id_content", CONTENT)
        operator.locator("#id_content").press("Tab")
    operator.locator("#category-suggestions button[data-category]").first.click()
    expect(operator.locator("#id_category option:checked")).not_to_have_text(re.compile(r"^-*$"))
    operator.locator("#send-to-hub").click()
    number = operator.locator("#new-order-number").inner_text().strip()
    done = _post(live_app, token, event="hung_up", recording_id=RECORDING)
    assert done["order"] == number and done["has_recording"], done
    return number


def test_an_inspector_scores_a_call_and_the_operator_appeals_once(
    live_app: str, app_command: Callable[..., str], signed_in: Callable[[str], Any]
) -> None:
    token = app_command("api-token", "create", "operator1", "e2e softphone qc").strip().splitlines()[-1]
    operator = signed_in("operator1")
    number = _take_a_complaint_on_a_call(live_app, token, operator)

    # The inspector draws this week's calls by the sampling rule: every complaint is among them.
    inspector = signed_in("inspector1")
    inspector.locator("nav.navbar").get_by_role("link", name="质检", exact=True).click()
    expect(inspector.locator("#quality-rows tbody tr").first).to_be_visible()  # the demo's queue
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    inspector.fill("#quality-fill input[name=week]", today.isoformat())
    inspector.locator("#quality-fill button").click()
    expect(inspector.locator("main .alert").first).to_contain_text("已按抽样规则抽取")
    row = inspector.locator("#quality-rows tr", has_text=number)
    expect(row).to_contain_text("投诉来电")
    row.get_by_role("link", name="质检").click()
    expect(inspector.locator("#inspection-state")).to_have_text("待质检")
    page_url = inspector.url
    pk = re.search(r"/quality/(\d+)/$", page_url)
    assert pk is not None, page_url

    # Listening goes through the play view: checked, written down, then on to the recording server.
    play = inspector.locator("#inspection-play")
    expect(play).to_have_text("调听录音")
    listened = inspector.request.get(play.get_attribute("href") or "", max_redirects=0)
    assert listened.status == 302
    assert listened.headers["location"] == f"https://recordings.invalid/play/{RECORDING}"

    # The inspector reads the order the call took, then scores on the form.
    inspector.locator("#inspection-order").click()
    expect(inspector.locator("main")).to_contain_text(CONTENT[:20])
    inspector.go_back()
    form = inspector.locator("#score-form")
    form.get_by_label("未报工号").check()
    form.get_by_label("未复述确认诉求").check()
    form.locator("#id_comment").fill("开头未报工号，未复述停车费金额。")
    form.get_by_role("button", name="提交评分").click()
    expect(inspector.locator("#inspection-state")).to_have_text("已评分")
    expect(inspector.locator("#inspection-score")).to_have_text("89 分")  # 100 − 5 − 6
    screenshot(inspector, "quality-scored")

    # The operator finds the result under 我的质检 and appeals, once.
    operator.locator("nav.navbar").get_by_role("link", name="我的质检").click()
    mine = operator.locator(f"#inspection-{pk.group(1)}")
    expect(mine).to_contain_text("89")
    mine.get_by_role("link", name="查看或申诉").click()
    expect(operator.locator("#inspection-deductions")).to_contain_text("未报工号")
    operator.locator("#appeal-form textarea").fill(APPEAL)
    operator.get_by_role("button", name="提交申诉").click()
    expect(operator.locator("#inspection-state")).to_have_text("申诉中")
    expect(operator.locator("#appeal-form")).to_have_count(0)  # one appeal only

    # The inspector who scored cannot decide it; the center's leader does, from the menu.
    inspector.reload()
    expect(inspector.locator("#decide-form")).to_have_count(0)
    leader = signed_in("leader1")
    leader.locator("nav.navbar").get_by_role("link", name="质检", exact=True).click()
    leader.locator("#quality-states").get_by_role("link", name=re.compile("申诉中")).click()
    appealed = leader.locator(f"#inspection-{pk.group(1)}")
    appealed.get_by_role("link", name="复核申诉").click()
    expect(leader.locator("#inspection-appeal")).to_contain_text(APPEAL)
    decide = leader.locator("#decide-form")
    decide.get_by_label("未报工号").check()
    decide.locator("textarea").fill(DECISION)
    decide.get_by_role("button", name="确定复核结果").click()
    expect(leader.locator("#inspection-state")).to_have_text("已定分")
    expect(leader.locator("#inspection-score")).to_have_text("94 分")  # the 5 points given back

    operator.reload()
    expect(operator.locator("#inspection-state")).to_have_text("已定分")
    expect(operator.locator("#inspection-score")).to_have_text("94 分")
    expect(operator.locator("#inspection-decision")).to_contain_text(DECISION)
    expect(operator.locator("#inspection-deductions li.text-decoration-line-through")).to_contain_text("未报工号")
    screenshot(operator, "quality-appeal-decided")

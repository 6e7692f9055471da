"""A CTI posts a call's events to the API; the operator takes the order from the screen pop;
the order page then shows the call with its queue and transfer, and a supervisor's play link
goes (checked and written down) to the recording server."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

CALL_ID = "e2e-cti-0001"
CALLER = "13955550001"
CONTENT = "来电人反映：青岚市府前花园5号楼电梯故障已一周，物业一直说等配件，老人上下楼很困难，希望尽快修好。"


def _post(base: str, token: str, **event: Any) -> dict[str, Any]:
    request = urllib.request.Request(
        base + "/api/v1/calls/events",
        data=json.dumps({"call_id": CALL_ID, "phone": CALLER, **event}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in (200, 201)
        body: dict[str, Any] = json.loads(response.read())
        return body


def test_a_cti_call_shows_on_its_order_with_a_recording(
    live_app: str, app_command: Callable[..., str], signed_in: Callable[[str], Any]
) -> None:
    token = app_command("api-token", "create", "operator1", "e2e softphone").strip().splitlines()[-1]
    _post(live_app, token, event="queued", queue="普通话")
    _post(live_app, token, event="ringing", extension="8001")
    _post(live_app, token, event="answered")

    # The softphone pops the intake page with the number and the call id.
    page = signed_in("operator1")
    page.goto(f"/intake/?caller={CALLER}&call_id={CALL_ID}")
    expect(page.locator("#id_citizen_phone")).to_have_value(CALLER)
    page.fill("#id_citizen_name", "钱女士")
    page.fill("#id_title", "小区电梯故障一周无人维修")
    with page.expect_response(lambda r: "/intake/suggest" in r.url):
        page.fill("#id_content", CONTENT)
        page.locator("#id_content").press("Tab")
    suggestion = page.locator("#category-suggestions button[data-category]").first
    suggestion.click()
    expect(page.locator("#id_category option:checked")).not_to_have_text(re.compile(r"^-*$"))
    page.locator("#send-to-hub").click()
    number = page.locator("#new-order-number").inner_text().strip()
    assert re.fullmatch(r"\d{13}", number), number

    # The call is passed on to the dispatcher and ends; the CTI names the recording.
    _post(live_app, token, event="transferred", agent="dispatcher1")
    done = _post(live_app, token, event="hung_up", recording_id="REC-E2E-0001")
    assert done["order"] == number and done["has_recording"] and done["transfer_count"] == 1

    supervisor = signed_in("supervisor1")
    supervisor.goto(f"/orders/{number}/")
    call = supervisor.locator("#order-call")
    expect(call).to_contain_text(CALL_ID)
    expect(call).to_contain_text("普通话")
    expect(call).to_contain_text("转接 1 次")
    play = call.get_by_role("link", name="调听录音（将留痕）")
    expect(play).to_be_visible()
    screenshot(supervisor, "cti-call-on-order")
    href = play.get_attribute("href")
    assert href is not None and re.fullmatch(r"/intake/calls/\d+/recording", href), href
    response = supervisor.request.get(href, max_redirects=0)
    assert response.status == 302
    assert response.headers["location"] == "https://recordings.invalid/play/REC-E2E-0001"

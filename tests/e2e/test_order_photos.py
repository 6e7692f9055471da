"""A citizen's photo reaches the hub as a preview that really loads (same-site, through the
order's access check and the Content-Security-Policy), upright, and opens full size."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import CAPTCHA_TEST_ANSWER, screenshot

CONTENT = "城关街道幸福路路灯杆被车撞歪，电线外露，下雨天很危险，请尽快处理（附照片）。"


def _sideways_photo() -> bytes:
    """A 1200×900 JPEG that a phone marked "rotate 90°" (EXIF orientation 6): upright it is 900×1200."""
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (40, 110, 190)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_the_hub_sees_the_citizens_photo_as_a_preview_and_full_size(
    new_page: Callable[[], Any], signed_in: Callable[[str], Any]
) -> None:
    citizen = new_page()
    citizen.goto("/portal/submit")
    citizen.get_by_label("投诉").check()
    citizen.locator("#id_content").fill(CONTENT)
    citizen.locator("#id_address").fill("城关街道幸福路与人民路路口")
    citizen.locator("#id_citizen_phone").fill("13906315432")
    citizen.locator("#id_photos").set_input_files(
        [{"name": "路灯.jpg", "mimeType": "image/jpeg", "buffer": _sideways_photo()}]
    )
    citizen.locator("#id_captcha_answer").fill(CAPTCHA_TEST_ANSWER)
    citizen.get_by_role("button", name="提交", exact=True).click()
    number = citizen.locator("#order-number").inner_text().strip()
    assert re.fullmatch(r"\d{13}", number)

    # The portal feeds the highest staffed hub: in the demo, 东州市12345 above 青岚市's center.
    page = signed_in("p-dispatcher1")
    page.goto(f"/orders/{number}/")
    preview = page.locator("#order-files a.order-photo img").first
    expect(preview).to_be_visible()
    page.wait_for_function(
        "() => { const i = document.querySelector('#order-files a.order-photo img'); "
        "return i && i.complete && i.naturalWidth > 0; }"
    )
    size = preview.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert size == [240, 320], size  # upright and bounded, not the 1200×900 as stored
    screenshot(page, "order-photo-preview")

    with page.context.expect_page() as opened:
        page.locator("#order-files a.order-photo").first.click()
    full = opened.value
    full.wait_for_load_state()
    assert full.url.endswith("/") and "/attachments/" in full.url
    dimensions = full.evaluate(
        "() => { const i = document.querySelector('img'); return i ? [i.naturalWidth, i.naturalHeight] : null; }"
    )
    assert dimensions is not None and max(dimensions) == 1200, dimensions

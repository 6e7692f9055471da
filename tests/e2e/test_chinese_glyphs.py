"""The console is read in Chinese all day: its pages must render real glyphs, not tofu boxes."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

# What Debian's fonts-noto-cjk installs; .ci/run installs the package when this file is missing.
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def test_the_cjk_font_is_installed() -> None:
    assert CJK_FONT.exists(), f"{CJK_FONT} is missing: apt-get install -y fonts-noto-cjk"
    if shutil.which("fc-match"):  # fontconfig's tools are optional; its library comes with chromium
        match = subprocess.run(
            ["fc-match", "--format=%{family}|%{file}", "Noto Sans CJK SC"], capture_output=True, text=True, check=True
        ).stdout
        assert "Noto Sans CJK SC" in match and "NotoSansCJK" in match, match


def test_pages_render_chinese_with_a_cjk_font(new_page: Callable[[], Any]) -> None:
    page = new_page()
    page.goto("/login/")
    heading = page.locator("h1")
    expect(heading).to_have_text("登录 CivicDesk 工作台")
    assert "Noto Sans CJK SC" in heading.evaluate("el => getComputedStyle(el).fontFamily")

    # Which font chromium really drew the heading with (not only what the CSS asks for).
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cjk = [f for f in fonts if "CJK" in f["familyName"]]
    assert cjk, fonts
    assert sum(f["glyphCount"] for f in cjk) >= len("登录工作台"), fonts

    # Tofu: every missing glyph is drawn as the same box. Real glyphs differ from each other and
    # from the box drawn for a code point no font has (U+10FFFD, private use).
    page.evaluate(
        """() => {
          const box = document.createElement('div');
          box.id = 'glyphs';
          box.style.cssText = 'font-size:48px;line-height:56px;padding:4px;background:#fff;color:#000';
          for (const ch of ['受', '理', '\\u{10FFFD}']) {
            const s = document.createElement('span');
            s.textContent = ch; s.className = 'glyph';
            s.style.cssText = 'display:inline-block;width:56px;text-align:center';
            box.appendChild(s);
          }
          document.querySelector('main').prepend(box);
        }"""
    )
    shou, li, missing = (page.locator("#glyphs .glyph").nth(i).screenshot() for i in range(3))
    assert shou != li, "two different Chinese characters render identically (tofu)"
    assert shou != missing and li != missing, "Chinese characters render as the missing-glyph box"
    screenshot(page, "chinese-glyphs-login")


def test_the_home_page_renders_chinese_navigation(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("dispatcher1")
    expect(page.locator("nav")).to_contain_text("派单")
    width = page.locator("nav .nav-link", has_text="派单").evaluate("el => el.getBoundingClientRect().width")
    assert width > 20, width
    screenshot(page, "chinese-home-dispatcher")

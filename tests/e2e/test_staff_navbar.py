"""At 1366 px the navbar stays on one line in Chinese and English for every role's demo
account (each role has its own entries: 质检 for inspectors and leaders, 我的质检 for
operators), and the search box shows its whole placeholder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

MEASURE = """() => {
  const nav = document.querySelector('nav.navbar');
  const links = [...nav.querySelectorAll('.navbar-nav .nav-link')];
  const search = document.getElementById('global-search');
  const style = getComputedStyle(search);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = style.font;
  return {
    height: nav.offsetHeight,
    overflow: nav.scrollWidth - nav.clientWidth,
    lineHeights: links.map(a => a.getBoundingClientRect().height),
    placeholder: ctx.measureText(search.placeholder).width,
    room: search.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
  };
}"""


# One account per role: the center's staff, a department's handler and its head.
ACCOUNTS = [
    "admin",
    "operator1",
    "dispatcher1",
    "callback1",
    "supervisor1",
    "leader1",
    "liaison1",
    "inspector1",
    "h-zj",
    "head-zj",
]


@pytest.mark.parametrize("username", ACCOUNTS)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_navbar_fits_on_one_line(signed_in: Callable[[str], Any], username: str, language: str) -> None:
    page = signed_in(username)
    if language == "en":
        page.locator("button[value=en]").click()
        page.wait_for_load_state()
    m = page.evaluate(MEASURE)
    assert m["overflow"] <= 0, m
    assert m["height"] < 60, m  # one row of entries (a wrapped bar is 66 px and more)
    assert max(m["lineHeights"]) < 1.6 * min(m["lineHeights"]), m  # no entry broken over two lines
    assert m["placeholder"] <= m["room"], m

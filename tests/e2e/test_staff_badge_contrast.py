"""Every badge on the pages staff use most is readable: text against its own (or inherited)
background meets WCAG AA (4.5 : 1). The 无时限 deadline badge was white on transparent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (let node = el; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll('.badge')].filter(b => b.offsetParent && b.textContent.trim()).map(b => {
    const fg = lum(rgb(getComputedStyle(b).color).slice(0, 3)), bg = lum(background(b));
    return {text: b.textContent.trim(), cls: b.className,
            ratio: (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05)};
  });
}"""

PAGES = [
    ("dispatcher1", ["/", "/orders/dispatch/", "/orders/search/?q=2026", "/orders/supervision/"]),
    ("h-zj", ["/", "/orders/inbox/"]),
    ("leader1", ["/enterprises/licences/"]),
]


@pytest.mark.parametrize(("username", "paths"), PAGES)
def test_every_badge_meets_aa_contrast(signed_in: Callable[[str], Any], username: str, paths: list[str]) -> None:
    page = signed_in(username)
    seen = 0
    for path in paths:
        page.goto(path)
        badges = page.evaluate(CONTRAST)
        seen += len(badges)
        weak = [b for b in badges if b["ratio"] < 4.5]
        assert not weak, f"{path}: {weak}"
    assert seen, "no badge was checked"

"""Screenshots of the pages staff look at most, at a 1366 × 900 screen, for checking by eye.

Run against a server with the demo city (`civicdesk demo`), e.g.:

    python scripts/screens.py http://127.0.0.1:8000 --out /tmp/screens [--lang en]

Writes one PNG per page (the whole page, 1366 px wide) into --out; nothing goes into the repository.
Uses Debian's chromium through Playwright, like the browser tests.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PASSWORD = "qinglan2026"


def _sign_in(browser: Any, base: str, username: str, lang: str) -> Any:
    context = browser.new_context(
        base_url=base, locale="zh-CN", viewport={"width": 1366, "height": 900}, device_scale_factor=1
    )
    if lang == "en":
        context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    return page


def _first_link(page: Any, path: str, pattern: str) -> str:
    page.goto(path)
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
        if re.search(pattern, href or ""):
            return str(href)
    raise SystemExit(f"no link matching {pattern} on {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the server's base URL")
    parser.add_argument("--out", required=True, help="the folder for the PNG files, e.g. /tmp/screens")
    parser.add_argument("--lang", default="zh-hans", choices=["zh-hans", "en"])
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if options.lang == "zh-hans" else "-en"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            shots: list[tuple[str, str, str | tuple[str, str]]] = [
                ("intake", "operator1", "/intake/new"),
                ("reply", "h-zj", ("/orders/inbox/?tab=handling", r"/orders/inbox/\d+/reply/")),
                ("roster", "dispatcher1", "/manage/worktime/duty/"),
                ("dashboard", "leader1", "/stats/"),
                ("daily-report", "leader1", ("/stats/briefings/", r"^/stats/briefings/\d+/$")),
            ]
            for name, username, target in shots:
                page = _sign_in(browser, options.base, username, options.lang)
                path = target if isinstance(target, str) else _first_link(page, *target)
                page.goto(path)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(800)  # charts draw after load
                file = out / f"{name}{suffix}.png"
                page.screenshot(path=str(file), full_page=True)
                print(f"{file}  {path}")
                page.context.close()
        finally:
            browser.close()


if __name__ == "__main__":
    main()

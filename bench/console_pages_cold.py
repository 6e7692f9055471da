"""Cold and warm page views of each role's main pages, served by `civicdesk serve` on the demo.

    CIVICDESK_DATA_DIR=var/bench-cold .venv/bin/python bench/console_pages_cold.py [--orders 5000] [--no-warmup]

Builds the demo city if the database holds fewer orders. For each role it starts a fresh
server (gunicorn, one worker: every first view is that process's first), signs in through the
login form (timing the POST: the password check is slow by design), then opens the home page
and each of the role's main pages once (cold)
and three more times (warm, median). Prints seconds per page, and the server's start-up time
(until /healthz answers), which is where the warm-up (civicdesk.runtime.warmup) moves the
first-use loading to. --no-warmup serves without it (CIVICDESK_WARMUP=0), to compare.
Goal: a cold page within 1.5 × its warm time plus 0.3 s.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from civicdesk.orders.models import WorkOrder  # noqa: E402
from civicdesk.orders.permissions import visible_orders  # noqa: E402
from civicdesk.orders.workflow import State  # noqa: E402
from civicdesk.org.models import User  # noqa: E402

PASSWORD = "qinglan2026"


def _order(username: str) -> str:
    """An order the account may open, an open one if there is one (its busiest page)."""
    user = User.objects.get(username=username)
    visible = visible_orders(user).order_by("-pk")
    found = visible.exclude(state__in=[State.CLOSED, State.ANSWERED]).values_list("number", flat=True).first()
    return found or visible.values_list("number", flat=True).first() or "0"


def _pages() -> dict[str, list[str]]:
    return {
        "operator1": ["/intake/new", "/orders/search/?q=路灯", "/knowledge/", f"/orders/{_order('operator1')}/"],
        "dispatcher1": ["/orders/dispatch/", f"/orders/{_order('dispatcher1')}/", "/orders/supervision/", "/stats/"],
        "h-zj": ["/orders/inbox/", f"/orders/{_order('h-zj')}/", "/knowledge/"],
        "callback1": ["/orders/callbacks/", f"/orders/{_order('callback1')}/"],
        "leader1": ["/stats/", "/stats/api/dashboard/", "/orders/supervision/", "/stats/briefings/"],
        "admin": ["/manage/", "/manage/worktime/duty/", "/enterprises/licences/"],
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.no_redirect = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def get(self, path: str) -> tuple[float, int]:
        start = time.perf_counter()
        try:
            with self.opener.open(self.base + urllib.parse.quote(path, safe="/?=&"), timeout=120) as response:
                response.read()
                return time.perf_counter() - start, response.status
        except urllib.error.HTTPError as error:  # printed next to the figure
            return time.perf_counter() - start, error.code

    def sign_in(self, username: str) -> float:
        with self.opener.open(self.base + "/login/", timeout=120) as response:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)  # type: ignore[union-attr]
        data = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(self.base + "/login/", data=data, headers={"Referer": self.base + "/login/"})
        start = time.perf_counter()
        try:  # the POST alone (checking the password is slow by design); the home page is timed apart
            self.no_redirect.open(request, timeout=120)
        except urllib.error.HTTPError as answer:
            assert answer.code == 302 and answer.headers["Location"] == "/", f"{username}: sign-in failed"
        return time.perf_counter() - start


def _serve(warmup: bool) -> tuple[subprocess.Popen[bytes], str, float]:
    port = _free_port()
    env = {**os.environ, "CIVICDESK_WARMUP": "1" if warmup else "0"}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "civicdesk", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-migrate"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    while time.perf_counter() - start < 180:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5):
                return process, base, time.perf_counter() - start
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start within 180 s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--no-warmup", action="store_true")
    parser.add_argument("--roles", nargs="*", help="only these demo accounts")
    args = parser.parse_args()
    if WorkOrder.objects.count() < args.orders:
        call_command("demo", orders=args.orders, no_serve=True)
    pages = _pages()
    warmup = not args.no_warmup
    print(f"warm-up {'on' if warmup else 'off'}; {WorkOrder.objects.count()} orders; seconds")
    print(f"{'account':<12} {'page':<28} {'cold':>6} {'warm':>6}")
    colds, warms = [], []
    for username, paths in pages.items():
        if args.roles and username not in args.roles:
            continue
        process, base, startup = _serve(warmup)
        try:
            browser = Browser(base)
            print(f"{username:<12} {'(server start-up)':<28} {startup:6.2f}")
            print(f"{username:<12} {'sign-in (POST)':<28} {browser.sign_in(username):6.2f}")
            for path in ["/", *paths]:
                cold, status = browser.get(path)
                warm = statistics.median(browser.get(path)[0] for _ in range(3))
                colds.append(cold)
                warms.append(warm)
                flag = "" if status == 200 else f" {status}"
                print(f"{username:<12} {path[:28]:<28} {cold:6.2f} {warm:6.2f}{flag}")
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(
        f"all pages: cold median {statistics.median(colds):.2f} s, max {max(colds):.2f} s; "
        f"warm median {statistics.median(warms):.2f} s, max {max(warms):.2f} s"
    )


if __name__ == "__main__":
    main()

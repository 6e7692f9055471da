"""The production settings come from the environment and pass Django's deployment check; every
response carries a Content-Security-Policy that allows no inline script, pages with personal
data are never cached, and a staff sign-in lasts a shift, not two weeks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.world import World

ROOT = Path(__file__).resolve().parents[2]
# The production variables README's configuration table documents.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check",
    "ALLOWED_HOSTS": "12345.example.gov.cn",
    "CIVICDESK_HTTPS": "true",
}


def _deploy_check(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CIVICDESK_", "DJANGO_"))}
    env.update({"CIVICDESK_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "civicdesk", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_documented_production_variables_pass_the_deployment_check(tmp_path: Path) -> None:
    result = _deploy_check(tmp_path, PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("CIVICDESK_HTTPS", "CIVICDESK_SESSION_HOURS", "CIVICDESK_PROXY_SSL_HEADER"):
        assert f"`{name}`" in readme, name


def test_without_https_the_deployment_check_names_what_is_missing(tmp_path: Path) -> None:
    result = _deploy_check(tmp_path, {**PRODUCTION, "CIVICDESK_HTTPS": "false"})
    assert result.returncode != 0
    for warning in ("W004", "W008", "W012", "W016"):
        assert warning in result.stdout + result.stderr, warning


@pytest.mark.django_db
def test_every_page_has_a_policy_without_inline_script(w: World) -> None:
    client = Client()
    client.force_login(w.dispatcher)
    for url in ("/", "/orders/dispatch/", "/portal/", "/login/"):
        policy = (client if url != "/login/" else Client()).get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["script-src"] == "'self'", (url, policy)
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_no_template_has_a_script_the_policy_would_block() -> None:
    # Inline <script> blocks and on…= handler attributes do not run under script-src 'self'.
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
    found = []
    for template in (ROOT / "civicdesk").rglob("templates/**/*.html"):
        source = template.read_text(encoding="utf-8")
        if inline_script.search(source) or handler.search(source):
            found.append(str(template.relative_to(ROOT)))
    assert found == []


@pytest.mark.django_db
def test_signed_in_pages_and_the_citizens_order_page_are_never_cached(w: World) -> None:
    client = Client()
    client.force_login(w.dispatcher)
    for url in ("/", "/orders/dispatch/", "/orders/search/?q=1380"):
        assert "no-store" in client.get(url)["Cache-Control"], url
    order = w.new_order(citizen_phone="13800001234")
    citizen = Client()
    for response in (
        citizen.post("/portal/track", {"number": order.number, "last_four": "1234"}, follow=True),
        citizen.get(f"/portal/track/{order.number}"),
    ):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_sign_in_lasts_a_shift_by_default(w: World) -> None:
    client = Client()
    response = client.post("/login/", {"username": "operator", "password": "pw-operator"})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["max-age"] == 8 * 3600
    assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=8, minutes=1)):
        assert client.get("/").status_code == 302

"""The portal's settings from the environment fail fast, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CIVICDESK_")}
    environ.update(CIVICDESK_DATA_DIR=str(tmp_path), **env)
    code = (
        "import civicdesk.settings as s; print(s.CIVICDESK_PUBLIC_URL, s.CIVICDESK_PORTAL_CAPTCHA_TEST_ANSWER or '-')"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"CIVICDESK_PUBLIC_URL": "12345.example.gov.cn"}, "CIVICDESK_PUBLIC_URL"),
        ({"CIVICDESK_RATING_LINK_DAYS": "0"}, "CIVICDESK_RATING_LINK_DAYS"),
        ({"CIVICDESK_PORTAL_SUBMITS_PER_IP_HOUR": "many"}, "CIVICDESK_PORTAL_SUBMITS_PER_IP_HOUR"),
        ({"CIVICDESK_TRUSTED_PROXY_HOPS": "-1"}, "CIVICDESK_TRUSTED_PROXY_HOPS"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(tmp_path: Path, env: dict[str, str], named: str) -> None:
    result = _load(tmp_path, **env)
    assert result.returncode != 0
    assert "ConfigError" in result.stderr and named in result.stderr


def test_defaults_no_public_url_and_no_captcha_test_answer(tmp_path: Path) -> None:
    result = _load(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["-"]


def test_a_trailing_slash_is_dropped(tmp_path: Path) -> None:
    result = _load(tmp_path, CIVICDESK_PUBLIC_URL="https://12345.example.gov.cn/")
    assert result.stdout.split()[0] == "https://12345.example.gov.cn"

"""Delivery settings from the environment fail fast, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("CIVICDESK_", "EMAIL_"))}
    environ.update(CIVICDESK_DATA_DIR=str(tmp_path), **env)
    code = "import civicdesk.settings as s; print(s.CIVICDESK_SMS_GATEWAY['method'], s.EMAIL_BACKEND)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"CIVICDESK_SMS_BACKEND": "pigeon"}, "CIVICDESK_SMS_BACKEND"),
        ({"CIVICDESK_SMS_BACKEND": "http"}, "CIVICDESK_SMS_URL"),
        ({"CIVICDESK_SMS_HEADERS": "X-Key: 1"}, "CIVICDESK_SMS_HEADERS"),
        ({"CIVICDESK_SMS_USER": "only-me"}, "CIVICDESK_SMS_PASSWORD"),
        ({"CIVICDESK_SMS_METHOD": "PUT"}, "CIVICDESK_SMS_METHOD"),
        ({"CIVICDESK_OUTBOX_MAX_ATTEMPTS": "0"}, "CIVICDESK_OUTBOX_MAX_ATTEMPTS"),
        ({"CIVICDESK_EMAIL_BACKEND": "fax"}, "CIVICDESK_EMAIL_BACKEND"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
        ({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "EMAIL_USE_SSL"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(tmp_path: Path, env: dict[str, str], named: str) -> None:
    result = _load(tmp_path, **env)
    assert result.returncode != 0
    assert "ConfigError" in result.stderr and named in result.stderr


def test_a_good_gateway_configuration_loads(tmp_path: Path) -> None:
    result = _load(
        tmp_path,
        CIVICDESK_SMS_BACKEND="http",
        CIVICDESK_SMS_METHOD="POST",
        CIVICDESK_SMS_URL="https://gw.example/send?to={phone}&text={text}",
        CIVICDESK_SMS_HEADERS='{"X-Key": "k"}',
        CIVICDESK_EMAIL_BACKEND="smtp",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["POST", "django.core.mail.backends.smtp.EmailBackend"]

"""A malformed environment value stops the process at start with a message naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).with_name("civicdesk")


def _run(argv: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "CIVICDESK_BUSINESS_HOURS"}}
    environ.update(DJANGO_SETTINGS_MODULE="civicdesk.settings", **env)
    return subprocess.run(argv, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60)


def _setup(**env: str) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-c", "import django; django.setup()"], **env)


BAD = [
    ("CIVICDESK_BUSINESS_HOURS", "08:30-12:00,11:00-14:00"),
    ("CIVICDESK_BUSINESS_HOURS", "早上八点半"),
    ("DATABASE_URL", "mysql://civicdesk:civicdesk@db/civicdesk"),
    ("DATABASE_URL", "not a url"),
    ("DEBUG", "maybe"),
]


def test_it_starts_with_good_values() -> None:
    result = _setup(CIVICDESK_BUSINESS_HOURS="09:00-12:00,13:00-17:00", DEBUG="false")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("name", "value"), BAD)
def test_it_stops_django_setup_naming_the_variable(name: str, value: str) -> None:
    result = _setup(**{name: value})
    assert result.returncode != 0
    assert name in result.stderr


@pytest.mark.parametrize(("name", "value"), [BAD[0], BAD[2], BAD[4]])
def test_it_makes_the_cli_print_a_configuration_error_naming_the_variable(name: str, value: str) -> None:
    result = _run([str(CLI), "check"], **{name: value})
    assert result.returncode != 0
    assert "configuration error" in result.stderr
    assert name in result.stderr
    assert "Traceback" not in result.stderr


def test_it_does_not_print_the_database_password() -> None:
    result = _run([str(CLI), "check"], DATABASE_URL="postgres://civicdesk:hunter2-secret@db:port/civicdesk")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "hunter2" not in result.stderr

"""The reminder offsets come from the environment; a bad value stops the start, naming it."""

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
    code = "import civicdesk.settings as s; print(s.CIVICDESK_LICENCE_REMINDER_DAYS)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )


def test_default_is_90_30_7(tmp_path: Path) -> None:
    assert _load(tmp_path).stdout.strip() == "[90, 30, 7]"


def test_the_center_chooses_its_own_days(tmp_path: Path) -> None:
    assert _load(tmp_path, CIVICDESK_LICENCE_REMINDER_DAYS="60, 14,3").stdout.strip() == "[60, 14, 3]"


@pytest.mark.parametrize("raw", ["90,thirty", "90,0"])
def test_bad_days_stop_the_start(tmp_path: Path, raw: str) -> None:
    result = _load(tmp_path, CIVICDESK_LICENCE_REMINDER_DAYS=raw)
    assert result.returncode != 0
    assert "CIVICDESK_LICENCE_REMINDER_DAYS" in result.stderr

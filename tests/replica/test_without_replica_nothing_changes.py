"""Without DATABASE_REPLICA_URL there is one database and every read goes to it; with it, the
replica is an alias of its own that tests mirror onto the test database; a replica of a SQLite
database is refused with a message naming the variable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from civicdesk.lib import replica
from tests.replica.helpers import queries_on, signed_in
from tests.statistics.helpers import at, t
from tests.world import World

ROOT = Path(__file__).resolve().parents[2]


def test_the_statistics_read_the_one_database(w: World) -> None:
    assert "DATABASE_REPLICA_URL" not in os.environ
    assert replica.REPLICA not in settings.DATABASES and not replica.configured()
    with replica.replica_reads() as reads:
        assert reads.alias == "default" and not reads.replica
    with at(t(20, 12)), queries_on("default") as sql:
        response = signed_in(w.leader).get("/stats/api/dashboard/?period=month&date=2026-03-10")
    assert response.status_code == 200
    assert [q for q in sql["default"] if "statistics_" in q]


def _settings_in_a_process(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import json, civicdesk.settings as s;"
        "r = s.DATABASES.get('replica');"
        "print(json.dumps(r and {k: r[k] for k in ('HOST', 'PORT', 'NAME', 'TEST', 'OPTIONS')}))"
    )
    environ = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL")},
        "CIVICDESK_DATA_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run([sys.executable, "-c", code], env=environ, cwd=ROOT, capture_output=True, text=True)


def test_the_replica_url_adds_a_mirrored_alias(tmp_path: Path) -> None:
    done = _settings_in_a_process(
        tmp_path,
        DATABASE_URL="postgres://civicdesk:pw@db1.example:5432/civicdesk",
        DATABASE_REPLICA_URL="postgres://civicdesk:pw@db2.example:5433/civicdesk",
    )
    assert done.returncode == 0, done.stderr
    alias = json.loads(done.stdout)
    assert (alias["HOST"], alias["PORT"], alias["NAME"]) == ("db2.example", 5433, "civicdesk")
    assert alias["TEST"] == {"MIRROR": "default"} and alias["OPTIONS"]["connect_timeout"] == 3
    alone = _settings_in_a_process(tmp_path, DATABASE_URL="postgres://civicdesk:pw@db1.example:5432/civicdesk")
    assert alone.returncode == 0 and json.loads(alone.stdout) is None


@pytest.mark.parametrize(
    "primary, replica_url",
    [
        ("sqlite:///{tmp}/c.sqlite3", "postgres://civicdesk:secret@db2.example:5433/civicdesk"),
        ("postgres://civicdesk:secret@db1.example/civicdesk", "sqlite:///{tmp}/r.sqlite3"),
    ],
)
def test_a_replica_needs_postgresql_on_both_sides(tmp_path: Path, primary: str, replica_url: str) -> None:
    done = _settings_in_a_process(
        tmp_path, DATABASE_URL=primary.format(tmp=tmp_path), DATABASE_REPLICA_URL=replica_url.format(tmp=tmp_path)
    )
    assert done.returncode != 0
    assert "DATABASE_REPLICA_URL must point to a PostgreSQL streaming replica" in done.stderr
    assert "secret" not in done.stderr

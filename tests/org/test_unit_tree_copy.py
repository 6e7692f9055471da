"""Each process keeps one copy of the unit tree (civicdesk.org.tree) for the pickers and queue
scopes, and a unit added, renamed, moved, closed or removed shows in every process's copy at
once: in the process that changed it, and in another server process that already had a copy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from civicdesk.org.models import OrgUnit, UnitKind
from civicdesk.org.tree import unit_tree
from tests.world import World

ROOT = Path(__file__).resolve().parents[2]


def _names() -> dict[int, str]:
    return {unit.pk: unit.name for unit in unit_tree().units}


def test_a_change_to_a_unit_shows_in_the_copy_at_once(w: World) -> None:
    before = unit_tree()
    assert unit_tree() is before  # no change, no new read
    office = OrgUnit.objects.create(name="住建局物业科", code="rc-zj-wy", kind=UnitKind.OFFICE, parent=w.dept_a)
    assert _names()[office.pk] == "住建局物业科"
    assert office.pk in unit_tree().subtree_ids(w.dept_a)

    office.name = "住建局物业管理科"
    office.save()
    assert _names()[office.pk] == "住建局物业管理科"

    w.town.parent = w.dept_a  # moving a unit moves its subtree
    w.town.save()
    assert set(unit_tree().subtree_ids(w.dept_a)) == {w.dept_a.pk, office.pk, w.town.pk, w.village.pk}
    assert unit_tree().by_pk[w.village.pk].path == f"{w.dept_a.path}{w.town.pk}/{w.village.pk}/"

    office.active = False
    office.save()
    assert unit_tree().by_pk[office.pk].active is False
    office.delete()
    assert office.pk not in _names()
    assert unit_tree() is not before


def test_a_new_hub_counts_for_the_scope_of_the_hub_above_it(w: World) -> None:
    assert unit_tree().hub_ids(w.hub) == [w.hub.pk]
    county = OrgUnit.objects.create(name="石岛管理区服务中心", code="rc-sd", kind=UnitKind.CENTER, parent=w.hub)
    county.is_hub = True
    county.save()
    assert unit_tree().hub_ids(w.hub) == [w.hub.pk, county.pk]
    assert [h.pk for h in unit_tree().hubs()] == [w.hub.pk, county.pk]


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user, password = quote(s["USER"], safe=""), quote(s["PASSWORD"], safe="")
    return f"postgres://{user}:{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_unit_renamed_in_another_process_shows_in_this_ones_copy(w: World) -> None:
    assert _names()[w.dept_a.pk] == "市住房和城乡建设局"  # this process has its copy
    rename = (
        "import django; django.setup()\n"
        "from civicdesk.org.models import OrgUnit\n"
        f"unit = OrgUnit.objects.get(pk={w.dept_a.pk})\n"
        "unit.name = '市住房和城乡建设局（市人防办）'\n"
        "unit.save()\n"
    )
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "civicdesk.settings"}
    subprocess.run([sys.executable, "-c", rename], cwd=ROOT, env=env, check=True, timeout=120)
    assert _names()[w.dept_a.pk] == "市住房和城乡建设局（市人防办）"

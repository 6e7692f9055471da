"""Deadlines and dispatch rules follow a category's parents (TreeNode.lineage_ids, from a map
each process keeps): a category moved under another parent by the admin on one app server
counts under its new parent on every other server too, not only after a restart."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from civicdesk.catalogue import models as catalogue
from tests.org.test_unit_tree_copy import _database_url
from tests.world import World

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_a_category_moved_in_another_process_counts_under_its_new_parent_here(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compared with the shared token on every call here; in service at most once a second.
    monkeypatch.setattr(catalogue, "_COMPARE_EVERY", 0.0)
    assert w.cat_noise.lineage_ids() == (w.cat_noise.pk, w.cat_noise.parent_id)  # this process has its map
    move = (
        "import django; django.setup()\n"
        "from civicdesk.catalogue.models import Category\n"
        f"category = Category.objects.get(pk={w.cat_noise.pk})\n"
        f"category.parent_id = {w.cat_roads.pk}\n"
        "category.save()\n"
    )
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "civicdesk.settings"}
    subprocess.run([sys.executable, "-c", move], cwd=ROOT, env=env, check=True, timeout=120)
    assert w.cat_noise.lineage_ids() == (w.cat_noise.pk, w.cat_roads.pk, w.cat_roads.parent_id)


def test_a_change_made_here_counts_at_once(w: World) -> None:
    assert w.cat_noise.lineage_ids() == (w.cat_noise.pk, w.cat_noise.parent_id)
    w.cat_noise.parent = w.cat_roads
    w.cat_noise.save()
    assert w.cat_noise.lineage_ids() == (w.cat_noise.pk, w.cat_roads.pk, w.cat_roads.parent_id)

"""The dispatch board draws its unit and catalogue pickers once per change of their lists
(lib.listversion, lib.picker), asking the database nothing to know they are current: what a
dispatcher chooses from still follows every change at once — a new unit, a renamed category,
a unit closed down — in both languages."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.catalogue.models import CATALOGUE
from civicdesk.lib.listversion import list_token
from civicdesk.org.models import OrgUnit, UnitKind
from civicdesk.org.tree import UNITS
from tests.console.test_searchable_pickers import picker
from tests.console_hub.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


def names(page: str, select_id: str) -> set[str]:
    return {data["name"] for data in picker(page, select_id)[1].values()}


def test_a_new_unit_is_offered_right_after_it_is_created(w: World) -> None:
    client = client_for(w.dispatcher)
    before = text(client.get("/orders/dispatch/"))
    assert "市水务局" not in names(before, "bulk_lead_unit")

    OrgUnit.objects.create(name="市水务局", code="rc-sw", kind=UnitKind.DEPARTMENT, parent=w.hub)

    after = text(client.get("/orders/dispatch/"))
    assert "市水务局" in names(after, "bulk_lead_unit")
    assert "市水务局" in names(after, "bulk_assisting_units")


def test_a_closed_unit_is_no_longer_offered(w: World) -> None:
    client = client_for(w.dispatcher)
    assert "市生态环境分局" in names(text(client.get("/orders/dispatch/")), "bulk_lead_unit")

    w.dept_c.active = False
    w.dept_c.save()

    page = text(client.get("/orders/dispatch/"))
    assert "市生态环境分局" not in names(page, "bulk_lead_unit")
    assert "市生态环境分局" not in names(page, "bulk_assisting_units")


def test_a_renamed_category_shows_its_new_name(w: World) -> None:
    client = client_for(w.dispatcher)
    assert "路面破损" in names(text(client.get("/orders/dispatch/")), "filter_category")

    w.cat_potholes.name = "道路坑洼"
    w.cat_potholes.save()

    page = text(client.get("/orders/dispatch/"))
    assert "道路坑洼" in names(page, "filter_category")
    assert "路面破损" not in names(page, "filter_category")


def test_the_chosen_category_stays_chosen_and_each_language_has_its_own_labels(w: World) -> None:
    client = client_for(w.dispatcher)
    text(client.get("/orders/dispatch/"))  # drawn once without a choice
    page = text(client.get("/orders/dispatch/", {"category": w.cat_potholes.pk}))
    chosen = re.search(r'<select[^>]*id="filter_category".*?</select>', page, re.S)
    assert chosen and re.search(rf'<option value="{w.cat_potholes.pk}"[^>]*selected', chosen.group(0))

    chinese = re.search(r'<select[^>]*id="bulk_lead_unit".*?</select>', page, re.S)
    assert chinese and "（各行的建议单位）" in chinese.group(0)
    client.cookies["django_language"] = "en"
    english = re.search(r'<select[^>]*id="bulk_lead_unit".*?</select>', text(client.get("/orders/dispatch/")), re.S)
    assert english and "(Suggested unit for each row)" in english.group(0)


def test_the_board_reads_the_unit_and_category_tables_only_after_a_change(w: World) -> None:
    client = client_for(w.dispatcher)
    client.get("/orders/dispatch/")

    def tables_read() -> set[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/orders/dispatch/").status_code == 200
        # The pickers read whole tables (no WHERE); the page's other reads of units are by id or path.
        whole = [q["sql"] for q in queries.captured_queries if " WHERE " not in q["sql"]]
        return {
            t for t in ("org_orgunit", "catalogue_category", "catalogue_area") for sql in whole if f'FROM "{t}"' in sql
        }

    def tokens() -> tuple[str, str]:
        # What the board labels its kept pickers with: knowing it costs no query (the shared cache).
        with CaptureQueriesContext(connection) as queries:
            read = (list_token(UNITS), list_token(CATALOGUE))
        assert queries.captured_queries == []
        return read

    assert tables_read() == set()
    units, catalogue = tokens()
    w.cat_potholes.name = "道路坑洼"
    w.cat_potholes.save()
    assert tokens()[0] == units and tokens()[1] != catalogue
    assert tables_read() == {"catalogue_category", "catalogue_area"}
    assert tables_read() == set()
    units, catalogue = tokens()
    OrgUnit.objects.create(name="市水务局", code="rc-sw", kind=UnitKind.DEPARTMENT, parent=w.hub)
    assert tokens()[0] != units and tokens()[1] == catalogue
    assert tables_read() == {"org_orgunit"}
    assert tables_read() == set()

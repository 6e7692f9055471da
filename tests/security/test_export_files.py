"""A background export is a file of callers' data: it gets an unguessable name and only the
person who asked for it can download it, through the checked view."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from civicdesk.statistics.exports import build_orders_export
from civicdesk.statistics.models import Export, ExportStatus
from tests.console.helpers import client_for
from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def _export(w: World) -> Export:
    for _ in range(3):
        w.signed()
    export = Export.objects.create(
        requested_by=w.leader,
        title="受理量",
        params={"period": "year", "date": f"{w.signed().created_at:%Y-%m-%d}", "code": "accepted"},
    )
    build_orders_export.call(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY, export.error
    return export


def test_an_export_file_has_an_unguessable_name(w: World) -> None:
    first, second = _export(w), _export(w)
    tokens = []
    for export in (first, second):
        name = export.file.name.rsplit("/", 1)[-1]
        # 24 URL-safe characters (144 random bits), not the sequential id a
        # colleague could count up to; a digit of the id may appear by chance.
        match = re.fullmatch(r"export-([A-Za-z0-9_-]{24})\.xlsx", name)
        assert match, name
        assert match.group(1) != str(export.pk).rjust(24, "0"), name
        tokens.append(match.group(1))
    assert tokens[0] != tokens[1]


def test_only_the_requester_downloads_it_and_media_is_not_served(w: World) -> None:
    export = _export(w)
    mine = client_for(w.leader).get(f"/stats/exports/{export.pk}/")
    assert mine.status_code == 200 and mine["Content-Disposition"].startswith("attachment")
    assert "no-store" in mine["Cache-Control"] and "private" in mine["Cache-Control"]
    assert client_for(w.dispatcher).get(f"/stats/exports/{export.pk}/").status_code == 404
    assert client_for(w.leader).get(f"/media/{export.file.name}").status_code == 404
    assert Client().get(f"/stats/exports/{export.pk}/").status_code == 302


@override_settings(CIVICDESK_X_ACCEL_PREFIX="/protected-media/")
def test_behind_nginx_an_export_goes_out_by_x_accel_redirect(w: World) -> None:
    export = _export(w)
    response = client_for(w.leader).get(f"/stats/exports/{export.pk}/")
    assert response["X-Accel-Redirect"] == f"/protected-media/{export.file.name}"

"""Order photos and reply documents open through a view that checks the reader's right to
the order; nothing under /media/ is served; files carry headers that keep a browser from
running them."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from civicdesk.orders import actions
from civicdesk.orders.models import Attachment
from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7 report"


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def _order_with_files(w: World) -> tuple[object, Attachment, Attachment]:
    order = w.signed(attachments=[SimpleUploadedFile("坑洼.png", PNG, content_type="image/png")])
    actions.reply(
        order,
        actor=w.handler_a,
        result="solved",
        text="已修复",
        attachments=[SimpleUploadedFile("处理情况.pdf", PDF, content_type="application/pdf")],
    )
    photo, report = Attachment.objects.filter(order=order).order_by("pk")
    return order, photo, report


def _links(html: str) -> list[str]:
    return re.findall(r'href="(/orders/\d{13}/attachments/\d+/)"', html)


def test_the_order_page_links_to_the_checked_view_and_it_serves_the_files(w: World) -> None:
    order, _photo, _report = _order_with_files(w)
    client = client_for(w.handler_a)
    html = text(client.get(f"/orders/{order.number}/"))  # type: ignore[attr-defined]
    assert "/media/" not in html
    links = _links(html)
    assert len(links) == 2
    shown = client.get(links[0])
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == PNG  # type: ignore[attr-defined]
    assert shown["Content-Type"] == "image/png" and shown["Content-Disposition"].startswith("inline")
    assert shown["X-Content-Type-Options"] == "nosniff" and "sandbox" in shown["Content-Security-Policy"]
    downloaded = client.get(links[1])
    assert downloaded.status_code == 200 and downloaded["Content-Disposition"].startswith("attachment")
    assert b"".join(downloaded.streaming_content) == PDF  # type: ignore[attr-defined]


@pytest.mark.parametrize("persona", ["handler_b", "outsider", "town_handler"])
def test_someone_without_the_order_gets_a_404(w: World, persona: str) -> None:
    order, photo, report = _order_with_files(w)
    client = client_for(getattr(w, persona))
    for item in (photo, report):
        assert client.get(f"/orders/{order.number}/attachments/{item.pk}/").status_code == 404  # type: ignore[attr-defined]


def test_an_attachment_of_another_order_is_not_reachable_through_ones_own(w: World) -> None:
    _order, photo, _report = _order_with_files(w)
    mine = w.signed()
    path = f"/orders/{mine.number}/attachments/{photo.pk}/"
    assert client_for(w.handler_a).get(path).status_code == 404


def test_nobody_signed_out_gets_a_file_and_media_is_not_served(w: World) -> None:
    order, photo, _report = _order_with_files(w)
    anonymous = Client()
    response = anonymous.get(f"/orders/{order.number}/attachments/{photo.pk}/")  # type: ignore[attr-defined]
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert anonymous.get(f"/media/{photo.file.name}").status_code == 404
    assert client_for(w.handler_a).get(f"/media/{photo.file.name}").status_code == 404


def test_stored_names_are_not_guessable(w: World) -> None:
    _order, photo, report = _order_with_files(w)
    for item in (photo, report):
        name = item.file.name.rsplit("/", 1)[-1]
        assert re.fullmatch(r"\d{3}-\d-[A-Za-z0-9_-]{16}\.(png|pdf)", name), name


@override_settings(CIVICDESK_X_ACCEL_PREFIX="/protected-media/")
def test_behind_nginx_the_view_hands_the_file_over_by_x_accel_redirect(w: World) -> None:
    order, photo, _report = _order_with_files(w)
    response = client_for(w.handler_a).get(f"/orders/{order.number}/attachments/{photo.pk}/")  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.file.name}"
    assert response.content == b""

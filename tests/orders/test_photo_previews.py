"""Photos open as previews for everyone who may see the order: made with Pillow once (then
read from storage), upright by their EXIF orientation, at most 320 px, without the phone's
EXIF data; a file that claims too many pixels, or is not a picture, gets a grey tile; and the
preview is as private as the photo."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civicdesk.lib.thumbnails import BOX, placeholder, thumbnail_name
from civicdesk.orders import actions
from civicdesk.orders.models import Attachment, WorkOrder
from tests.console.helpers import client_for
from tests.world import World

pytestmark = pytest.mark.django_db


def _photo(width: int, height: int, *, orientation: int | None = None, gps: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), (30, 120, 200))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (37.0, 10.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _order_with(
    w: World, data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"
) -> tuple[WorkOrder, Attachment]:
    """An order with one photo, dispatched to dept_a (whose handler looks at it)."""
    order = w.new_order(attachments=[SimpleUploadedFile(name, data, content_type=content_type)])
    actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    return order, Attachment.objects.get(order=order)


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path


def _preview(response: object) -> Image.Image:
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content  # type: ignore[attr-defined]
    return Image.open(io.BytesIO(body))


def test_a_sideways_phone_photo_is_shown_upright_and_small(w: World) -> None:
    # Stored landscape 1600×1200 with "rotate 90°" in EXIF (orientation 6): the person took it portrait.
    order, photo = _order_with(w, _photo(1600, 1200, orientation=6, gps=True))
    response = client_for(w.handler_a).get(f"/orders/{order.number}/attachments/{photo.pk}/thumbnail/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    preview = _preview(response)
    assert preview.size == (BOX * 3 // 4, BOX)  # 240×320: portrait, within the box
    assert not preview.getexif()  # no GPS position or camera data in what is shown


def test_the_preview_is_made_once_and_then_read_from_storage(w: World) -> None:
    order, photo = _order_with(w, _photo(800, 600))
    client = client_for(w.handler_a)
    url = f"/orders/{order.number}/attachments/{photo.pk}/thumbnail/"
    assert client.get(url).status_code == 200
    name = thumbnail_name(photo.file)
    assert default_storage.exists(name)
    # Overwrite the stored preview: the next view must serve it as stored, not decode the photo again.
    marker = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 0)).save(marker, "JPEG")
    with default_storage.open(name, "wb") as handle:
        handle.write(marker.getvalue())
    assert _preview(client.get(url)).size == (10, 10)


def test_a_pixel_bomb_gets_the_grey_tile(w: World) -> None:
    # A PNG that claims 20 000 × 20 000 pixels (400 MP) in a few kilobytes.
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG", optimize=True)
    order, photo = _order_with(w, out.getvalue(), "bomb.png", "image/png")
    response = client_for(w.handler_a).get(f"/orders/{order.number}/attachments/{photo.pk}/thumbnail/")
    assert response.status_code == 200
    assert response.content == placeholder()
    assert not default_storage.exists(thumbnail_name(photo.file))


def test_the_full_photo_opens_as_uploaded(w: World) -> None:
    data = _photo(800, 600)
    order, photo = _order_with(w, data)
    response = client_for(w.handler_a).get(f"/orders/{order.number}/attachments/{photo.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Disposition"].startswith("inline")


def test_the_preview_is_as_private_as_the_photo(w: World) -> None:
    order, photo = _order_with(w, _photo(800, 600))
    url = f"/orders/{order.number}/attachments/{photo.pk}/thumbnail/"
    assert client_for(w.handler_b).get(url).status_code == 404  # another unit
    assert client_for(w.dispatcher).get(url).status_code == 200  # the hub

"""Small previews of uploaded photos, made once and kept beside the original.

Photos come from citizens' phones: up to 10 MB, rotated by an EXIF tag rather than in their
pixels, sometimes not what their name says. A preview is made with Pillow only from a file
whose pixel count is bounded (a small file can claim 100 000 × 100 000 pixels), turned
upright, shrunk to fit a box, and re-encoded as a JPEG — which also drops the EXIF data
(the phone's GPS position) from what the preview shows. It is stored in the same storage
under thumbs/ with a name derived from the original's, so the next view reads it instead of
decoding the photo again. Anything that cannot be read gets a neutral placeholder.
"""

from __future__ import annotations

import io
from functools import cache

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps, UnidentifiedImageError

# The longest side of a preview, in pixels (twice the size it is drawn at, for sharp screens).
BOX = 320
# More than any phone camera (200 MP sensors bin to 50 MP); a claim beyond this is refused
# before a single pixel is decoded.
MAX_PIXELS = 60_000_000
# Formats Pillow reads that browsers also show; HEIC and the rest get the placeholder.
PREVIEWABLE = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def thumbnail_name(stored: FieldFile) -> str:
    return f"thumbs/{stored.name}.{BOX}.jpg"


def thumbnail(stored: FieldFile) -> FieldFile | None:
    """The preview of `stored` (made now if it was not yet), or None when the file is not a
    picture Pillow can safely read."""
    if not stored:
        return None
    storage = stored.storage
    name = thumbnail_name(stored)
    if storage.exists(name):
        return FieldFile(stored.instance, stored.field, name)
    data = _render(stored)
    if data is None:
        return None
    saved = storage.save(name, ContentFile(data))
    return FieldFile(stored.instance, stored.field, saved)


def _render(stored: FieldFile) -> bytes | None:
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError):
        return None
    try:
        with Image.open(handle) as image:
            width, height = image.size
            if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
                return None
            # JPEG: decode at a reduced scale straight away (cheap for a 12 MP photo).
            image.draft("RGB", (BOX * 2, BOX * 2))
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((BOX, BOX))
            out = io.BytesIO()
            _flatten(upright).save(out, "JPEG", quality=82, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        return None
    finally:
        stored.close()


def _flatten(image: Image.Image) -> Image.Image:
    """An RGB picture; transparent parts (PNG, GIF) on white rather than black."""
    if image.mode in ("RGB", "L"):
        return image
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


@cache
def placeholder() -> bytes:
    """A plain grey tile in place of a preview that cannot be made."""
    out = io.BytesIO()
    Image.new("RGB", (BOX, BOX * 3 // 4), (222, 226, 230)).save(out, "PNG")
    return out.getvalue()

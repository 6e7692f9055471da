"""Stored files (order attachments, generated exports) handed to a reader whose right to
them the calling view has checked. Nothing under MEDIA_ROOT is ever served as a public
static file; with CIVICDESK_X_ACCEL_PREFIX set, nginx sends the bytes (X-Accel-Redirect)
from an `internal` location, otherwise Django streams them (FileResponse)."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _


def protected_file(stored: FieldFile, *, filename: str, content_type: str, inline: bool = False) -> HttpResponseBase:
    """The file as a download (or shown inline, for pictures), with headers that keep the
    browser from running or caching it."""
    if not stored:
        raise Http404(_("没有这个文件。"))
    prefix = str(getattr(settings, "CIVICDESK_X_ACCEL_PREFIX", "") or "")
    response: HttpResponseBase
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(stored.name or "")
    else:
        try:
            handle = stored.open("rb")
        except FileNotFoundError as missing:
            raise Http404(_("没有这个文件。")) from missing
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or "attachment"
    # What citizens upload is data, never a page: no type sniffing, no scripts even when
    # shown inline, and no copy kept in shared caches.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, no-store"
    return response

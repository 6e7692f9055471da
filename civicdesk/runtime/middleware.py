"""One gate for what every form, portal page, REST and Open311 request submits: a NUL byte
anywhere in the query, form fields, uploaded file names or JSON body is answered with a 400
in the caller's terms (JSON for the REST API, the GeoReport error list for Open311, a short
page otherwise) before any view runs; bidirectional controls are stripped from form fields
(the REST API strips them in its schemas: civicdesk.api.schemas)."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.html import escape
from django.utils.translation import gettext as _

from civicdesk.lib.controls import BIDI_CONTROLS, has_nul, strip_bidi
from civicdesk.open311.render import error

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CleanInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            return self._refuse(request)
        if (
            request.method == "POST"
            and request.content_type in _FORM_TYPES
            and not request.path.startswith("/api/")
            and not self._unparsed(request)
        ):
            self._strip_bidi(request)
        return self.get_response(request)

    def _has_nul(self, request: HttpRequest) -> bool:
        if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")) or "\x00" in request.path:
            return True
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return False
        if request.content_type in _FORM_TYPES:
            # The REST API reads JSON from the raw body: parsing a form here would consume it.
            if request.method == "POST" and not request.path.startswith("/api/"):
                try:
                    post, files = request.POST, request.FILES
                except MultiPartParserError:  # a broken multipart body: left to the view, as before
                    return False
                if any(has_nul(v) or has_nul(k) for k, v in post.lists()):
                    return True
                return any(has_nul(f.name or "") for _name, uploads in files.lists() for f in uploads)
            return False
        kind = request.content_type or ""
        if not (kind.endswith("json") or kind.startswith("text/")):
            return False  # a binary body may hold NUL bytes; no view here takes one
        try:
            body = request.body
        except RequestDataTooBig:  # the view answers that (the API: 413)
            return False
        if b"\x00" in body:
            return True
        # JSON writes NUL as \u0000; decode only the rare body that spells it.
        if b"\\u0000" in body.lower() and kind.endswith("json"):
            try:
                return has_nul(json.loads(body))
            except ValueError:  # not JSON after all: the view answers that
                return False
        return False

    def _refuse(self, request: HttpRequest) -> HttpResponse:
        message = _("请求中含有空字符（NUL），无法保存。请删除后重新提交。")
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": message, "code": "bad_request", "fields": {}},
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
        if request.path.startswith("/open311/"):
            return error("json" if request.path.endswith(".json") else "xml", 400, message)
        return HttpResponseBadRequest(
            f"<!doctype html><title>400</title><p>{escape(message)}</p>", content_type="text/html; charset=utf-8"
        )

    @staticmethod
    def _unparsed(request: HttpRequest) -> bool:
        try:
            request.POST  # noqa: B018 - parsed (and cached) here, or the error it raises
        except MultiPartParserError:
            return True
        return False

    @staticmethod
    def _strip_bidi(request: HttpRequest) -> None:
        post = request.POST
        if not any(BIDI_CONTROLS.search(v) for _k, values in post.lists() for v in values):
            return
        cleaned = QueryDict(mutable=True, encoding=post.encoding)
        for key, values in post.lists():
            cleaned.setlist(key, [strip_bidi(v) for v in values])
        cleaned._mutable = False
        request.POST = cleaned  # type: ignore[assignment]

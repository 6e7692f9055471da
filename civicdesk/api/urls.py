"""/api/v1/ — the ninja API — and JSON answers for whatever else is asked under /api/."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt

from civicdesk.api import calls  # noqa: F401  (registers /calls/events on the API)
from civicdesk.api.api import api
from civicdesk.api.errors import json_error


def _json_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a wrong method with an empty text/html 405; say it in JSON."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            replaced = json_error(405, f"该地址不支持 {request.method} 方法（支持：{allowed}）。", "method_not_allowed")
            replaced["Allow"] = allowed
            return replaced
        return response

    return wrapper


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return json_error(404, "没有这个接口地址。接口说明见 /api/v1/openapi.json。", "not_found")


def _api_patterns() -> list[URLPattern | URLResolver]:
    patterns, _app, _namespace = api.urls
    result: list[URLPattern | URLResolver] = []
    for each in patterns:
        if isinstance(each, URLPattern):
            each.callback = csrf_exempt(_json_only(each.callback))
        result.append(each)
    return result


urlpatterns = [
    path("v1/", (_api_patterns(), "api-v1", "api-v1")),
    re_path(r"^(?P<rest>.*)$", csrf_exempt(not_found)),
]

"""Response headers the console adds for signed-in users."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

View = Callable[[HttpRequest], HttpResponse]


def no_store_for_signed_in(get_response: View) -> View:
    """Every page a signed-in person gets may carry callers' names and phones: no browser or
    proxy cache may keep it (Cache-Control: no-store), so the back button on a shared desk
    or a cache on the way shows nothing after sign-out."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return middleware


def password_change_first(get_response: View) -> View:
    """After an administrator reset someone's password, the only pages they may open are the
    password page itself, sign-out and the language switch, until they chose a new one."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = (reverse("console:password"), reverse("console:logout"), reverse("set_language"))
            if request.path not in allowed and not request.path.startswith(("/static/", "/healthz")):
                return redirect(reverse("console:password"))
        return get_response(request)

    return middleware

"""The worker's sweeps as the admin sees them: when each last ran and succeeded, and the
error of one that keeps failing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from civicdesk.org.web import admin_required
from civicdesk.runtime.health import health
from civicdesk.runtime.models import SweepState
from civicdesk.runtime.sweeps import SWEEPS


@admin_required
def status(request: HttpRequest) -> HttpResponse:
    known = {s.name: s for s in SweepState.objects.all()}
    # Every configured sweep is listed, also one that has never run (no worker running).
    rows = [(name, known.get(name)) for name in SWEEPS]
    return render(request, "runtime/status.html", {"rows": rows, "health": health()})

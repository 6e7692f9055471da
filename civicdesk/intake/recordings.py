"""Call recordings: who may listen, and the play view that checks it and keeps every play.

The audio stays on the center's recording server (settings.CIVICDESK_RECORDING_URL, with
{recording_id} where the id goes). CivicDesk never links to that address directly: the
order page links to the play view, which checks the right, writes a RecordingPlay row and
only then sends the listener on.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from civicdesk.intake.calls import CALL_ROLES
from civicdesk.intake.models import Call, RecordingPlay
from civicdesk.org.models import User
from civicdesk.org.web import current_user, require_role


def recording_url(call: Call) -> str:
    """The recording server's address of the call's recording ("" when there is none)."""
    template = settings.CIVICDESK_RECORDING_URL
    if not template or not call.recording_id:
        return ""
    return template.replace("{recording_id}", quote(call.recording_id, safe=""))


def may_hear(user: User, call: Call) -> bool:
    """Whether `user` may listen to `call`'s recording: the agents on the call, and the
    roles of CIVICDESK_RECORDING_ROLES at the call's hub or at a hub above it."""
    if not user.is_active:
        return False
    if user.pk is not None and user.pk in (call.agent_id, call.transferred_to_id):
        return True
    hub_path = call.hub.path
    for unit in user.units_with_role(*settings.CIVICDESK_RECORDING_ROLES):
        hub = unit.hub()
        if hub is not None and hub_path.startswith(hub.path):
            return True
    return False


def can_play(user: User, call: Call) -> bool:
    """A play link is offered: there is a recording to play and `user` may hear it."""
    return bool(recording_url(call)) and may_hear(user, call)


def play(*, user: User, call: Call) -> str:
    """Record that `user` opens the recording and return its address (PermissionDenied if
    they may not hear it, Http404 when there is no recording)."""
    if not may_hear(user, call):
        raise PermissionDenied(_("您没有调听这通电话录音的权限。"))
    url = recording_url(call)
    if not url:
        raise Http404(_("这通电话没有录音。"))
    RecordingPlay.objects.create(call=call, user=user)
    return url


@login_required
def play_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /intake/calls/<pk>/recording: checked, recorded, then on to the recording server."""
    user = current_user(request)
    require_role(user, {*CALL_ROLES, *settings.CIVICDESK_RECORDING_ROLES}, _("您没有调听录音的权限。"))
    call = Call.objects.select_related("hub").filter(pk=pk).first()
    if call is None:
        raise Http404(_("没有这通电话。"))
    response = HttpResponseRedirect(play(user=user, call=call))
    response["Cache-Control"] = "no-store"  # every play passes here and is written down
    return response

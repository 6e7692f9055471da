"""Whose figures a person sees: the subtree of their hub.

A county center's leader sees the county's figures; the prefecture's leader sees the
prefecture's, where the county is one line that can be opened (?hub=<county>). The scope
comes from the person's memberships, never from the query string alone: a `hub` asked
for must lie within it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from civicdesk.org.models import OrgUnit, Role, User

# Who reads statistics (civicdesk.statistics.views.STATS_ROLES), as memberships.
SCOPE_ROLES = (Role.LEADER, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN)


class OutOfScope(ValueError):
    """A hub outside what the person may see was asked for."""


def stats_scope(user: User) -> OrgUnit | None:
    """The hub whose subtree's figures `user` sees: the highest hub over the units where
    they hold a statistics role. None (every order) for a superuser without such a role,
    the installation's own administrator."""
    tops: list[OrgUnit] = []
    for unit in user.units_with_role(*SCOPE_ROLES):
        tops.append(unit.hub() or unit)
    if not tops:
        if user.is_superuser:
            return None
        # A person without a statistics role sees nothing: an empty scope, not everything.
        raise OutOfScope(_("您没有查看统计数据的范围。"))
    return min(tops, key=lambda u: (len(u.path), u.path))


def narrowed(scope: OrgUnit | None, wanted: OrgUnit | None) -> OrgUnit | None:
    """The hub whose figures to show: `wanted` (a hub within the scope) or the scope itself."""
    if wanted is None:
        return scope
    if not wanted.is_hub or (scope is not None and not wanted.is_within(scope)):
        raise OutOfScope(_("没有这个中心，或不在您的统计范围内。"))
    return wanted


def requested_hub(user: User, hub_id: int | None) -> OrgUnit | None:
    """The hub a figures page was asked for by id (None: the person's whole scope), checked
    against the person's scope. OutOfScope when there is no such hub or it lies outside."""
    wanted = OrgUnit.objects.filter(pk=hub_id).first() if hub_id is not None else None
    if hub_id is not None and wanted is None:
        raise OutOfScope(_("没有这个中心，或不在您的统计范围内。"))
    return narrowed(stats_scope(user), wanted)


def lower_hubs(hub: OrgUnit | None) -> bool:
    """Whether `hub` has hubs below it (its figures then have a line per lower hub)."""
    if hub is None:
        return OrgUnit.objects.filter(is_hub=True, active=True).count() > 1
    return OrgUnit.objects.filter(path__startswith=hub.path, is_hub=True).exclude(pk=hub.pk).exists()

"""Errors an action raises. Each carries a message fit to show the user as it is."""

from __future__ import annotations

from django.core import exceptions as django_exceptions
from django.utils.functional import Promise


class ActionError(Exception):
    code = "action_error"

    def __init__(self, message: str | Promise, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        # Field name → message, for forms that show the error next to the field.
        self.fields = fields or {}

    def message_for(self, user: object) -> str:
        """The message for `user` (a conflict words it differently for the one who acted)."""
        return self.message


class PermissionDenied(ActionError, django_exceptions.PermissionDenied):
    """The person may not make this move. Also Django's PermissionDenied, so there is one
    kind of refusal: a view that lets it through answers 403, and `except PermissionDenied`
    written against either name catches both."""

    code = "permission_denied"


class InvalidTransition(ActionError):
    """The order is not in a state that allows this move."""

    code = "invalid_transition"


class ConflictError(ActionError):
    """Someone else changed the order since the user looked at it.

    `message` names who acted and when; `own_message` is the same news for the person who
    acted themselves (in another window or tab), so a view shows `message_for(user)`."""

    code = "conflict"

    def __init__(
        self,
        message: str | Promise,
        *,
        fields: dict[str, str] | None = None,
        actor_id: int | None = None,
        own_message: str | Promise = "",
    ) -> None:
        super().__init__(message, fields=fields)
        self.actor_id = actor_id
        self.own_message = str(own_message) or self.message

    def message_for(self, user: object) -> str:
        """The message for the person who met the conflict."""
        if self.actor_id is not None and getattr(user, "pk", None) == self.actor_id:
            return self.own_message
        return self.message


class InvalidInput(ActionError):
    code = "invalid_input"

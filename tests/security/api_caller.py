"""A REST API caller for the attack tests (the API tests' own Caller, with a token)."""

from __future__ import annotations

from django.test import Client

from civicdesk.api.tokens import create_token
from civicdesk.org.models import User
from tests.api.conftest import Caller


def caller(user: User) -> Caller:
    return Caller(user, create_token(user, "attack-tests")[1], Client())

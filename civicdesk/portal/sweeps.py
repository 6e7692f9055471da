"""The portal's periodic clean-up: spent rate-limit hits and old captcha questions. Plain
DELETEs of old rows, safe with several workers at once."""

from __future__ import annotations

from civicdesk.portal import captcha, limits


def run_portal_cleanup() -> int:
    return limits.forget_old() + captcha.forget_old()

"""Typed readers for environment variables that fail fast with the variable's name.

Settings are read once at start; a bad value must stop the process with a message an
operator can act on, not surface later as a confusing error deep inside a request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


class ConfigError(Exception):
    """A configuration value in the environment is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    return environ.get(name, default)


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(
    name: str,
    default: int,
    environ: Mapping[str, str] | None = None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number; got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name} must be at most {maximum}; got {value}")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str], environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    value = environ.get(name, default).strip()
    if value not in choices:
        allowed = ", ".join(sorted(choices))
        raise ConfigError(f"{name} must be one of {allowed}; got {value!r}")
    return value


def env_int_list(
    name: str, default: list[int], environ: Mapping[str, str] | None = None, *, minimum: int | None = None
) -> list[int]:
    """Comma-separated whole numbers, e.g. CIVICDESK_LICENCE_REMINDER_DAYS=90,30,7."""
    values = []
    for item in env_list(name, [str(d) for d in default], environ):
        try:
            value = int(item)
        except ValueError:
            raise ConfigError(f"{name} must be whole numbers separated by commas; got {item!r}") from None
        if minimum is not None and value < minimum:
            raise ConfigError(f"{name} values must be at least {minimum}; got {value}")
        values.append(value)
    return values

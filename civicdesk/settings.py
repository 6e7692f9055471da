"""The one settings module. Every deployment difference is an environment variable.

Read once at start; a malformed value stops the process with a message naming the variable
(see civicdesk.lib.env), because a hotline center's IT staff must be able to fix it alone.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import dj_database_url

from civicdesk.lib.env import ConfigError, env_bool, env_int, env_list, env_str
from civicdesk.lib.worktime import BusinessHours

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("CIVICDESK_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    configured = os.environ.get("SECRET_KEY")
    if configured is not None:
        if len(configured) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters long")
        return configured
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])


def _redacted(url: str) -> str:
    """The URL with any password masked, fit for an error message or a log."""
    return re.sub(r"^([^:/]+://[^:@/]*:)[^/]*@", r"\1***@", url)


def _database() -> dict[str, object]:
    default_url = f"sqlite:///{DATA_DIR / 'civicdesk.sqlite3'}"
    url = env_str("DATABASE_URL", default_url)
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception as exc:  # dj_database_url raises several types for bad URLs
        raise ConfigError(f"DATABASE_URL is not a valid database URL ({exc}): {_redacted(url)!r}") from None
    engine = str(config.get("ENGINE", ""))
    if engine == "django.db.backends.sqlite3":
        name = str(config["NAME"])
        if name and name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        # IMMEDIATE transactions take the write lock at BEGIN, so two writers queue up
        # instead of failing half-way with "database is locked"; WAL lets readers go on.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
        # The test database is a file, not Django's shared in-memory database: tests that run
        # real concurrent transactions in threads need SQLite's file locking and WAL. One file
        # per test process, so parallel runs do not clobber each other; Django deletes it after.
        test_name = os.environ.get("CIVICDESK_TEST_SQLITE") or str(DATA_DIR / f"test-{os.getpid()}.sqlite3")
        Path(test_name).parent.mkdir(parents=True, exist_ok=True)
        config["TEST"] = {"NAME": test_name}
    elif engine.startswith("django.db.backends.postgresql"):
        config["CONN_HEALTH_CHECKS"] = True
    else:
        raise ConfigError(f"DATABASE_URL must point to SQLite or PostgreSQL; got engine {engine!r}")
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "civicdesk.console",
    "civicdesk.intake",
    "civicdesk.runtime",
    "civicdesk.org",
    "civicdesk.catalogue",
    "civicdesk.worktime",
    "civicdesk.orders",
    "civicdesk.notifications",
    "civicdesk.enterprises",
    "civicdesk.knowledge",
    "civicdesk.open311",
    "civicdesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "civicdesk.urls"
WSGI_APPLICATION = "civicdesk.wsgi.application"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "civicdesk.console.navigation.context",
            ]
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# whitenoise serves from here after collectstatic and warns when it is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Hashed, compressed names once `collectstatic` has built the manifest (`civicdesk serve`
# always does); plain names before that, e.g. in tests and management commands.
_MANIFEST = STATIC_ROOT / "staticfiles.json"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _MANIFEST.exists() and not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Tests and the demo server run without collectstatic having been run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Working hours of the center, as "HH:MM-HH:MM" periods separated by commas.
CIVICDESK_BUSINESS_HOURS = env_str("CIVICDESK_BUSINESS_HOURS", "08:30-12:00,13:30-17:30")
try:
    BusinessHours.parse(CIVICDESK_BUSINESS_HOURS)
except ValueError as _exc:
    raise ConfigError(f"CIVICDESK_BUSINESS_HOURS is not valid ({_exc}): {CIVICDESK_BUSINESS_HOURS!r}") from None
# How often the worker's periodic sweeps (deadline watch) run, in seconds.
CIVICDESK_SWEEP_INTERVAL = env_int("CIVICDESK_SWEEP_INTERVAL", 60, minimum=1)
# Whether an operator may dispatch straight to a unit without the hub (首接 on simple cases).
CIVICDESK_OPERATOR_MAY_DISPATCH = env_bool("CIVICDESK_OPERATOR_MAY_DISPATCH", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

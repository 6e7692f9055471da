"""The one settings module. Every deployment difference is an environment variable.

Read once at start; a malformed value stops the process with a message naming the variable
(see civicdesk.lib.env), because a hotline center's IT staff must be able to fix it alone.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from datetime import timedelta
from pathlib import Path

import dj_database_url

from civicdesk.lib.env import ConfigError, env_bool, env_choice, env_int, env_int_list, env_list, env_str
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
        config["OPTIONS"] = _postgresql_session(config.get("OPTIONS"))
    else:
        raise ConfigError(f"DATABASE_URL must point to SQLite or PostgreSQL; got engine {engine!r}")
    return config


def _postgresql_session(options: object) -> dict[str, object]:
    """The connection's options with the session settings of CIVICDESK_PG_OPTIONS (libpq's
    `options`, e.g. "-c jit=off"); `options` given in the database URL win."""
    merged: dict[str, object] = dict(options) if isinstance(options, dict) else {}
    # (The word search sets its own work_mem: orders.search.SEARCH_WORK_MEM.)
    # random_page_cost: the pages read what they show through indexes, on SSDs; at PostgreSQL's
    # default (4, for spinning disks) the planner read all of a city's open orders to join them with
    # a unit's 500 assisting parts instead of looking up the 500 (the handler's home at ten million
    # orders: 78 -> 23 ms).
    default = "-c jit=off -c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"
    session = env_str("CIVICDESK_PG_OPTIONS", default).strip()
    if session and "options" not in merged:
        merged["options"] = session
    return merged


def _replica(primary: dict[str, object]) -> dict[str, object] | None:
    """A PostgreSQL streaming replica of the primary (DATABASE_REPLICA_URL), or None. Only the
    statistics, exports and search read from it, inside civicdesk.lib.replica.replica_reads()."""
    url = env_str("DATABASE_REPLICA_URL", "")
    if not url:
        return None
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception as exc:  # dj_database_url raises several types for bad URLs
        raise ConfigError(f"DATABASE_REPLICA_URL is not a valid database URL ({exc}): {_redacted(url)!r}") from None
    if not str(config.get("ENGINE", "")).startswith("django.db.backends.postgresql") or not str(
        primary.get("ENGINE", "")
    ).startswith("django.db.backends.postgresql"):
        raise ConfigError(
            "DATABASE_REPLICA_URL must point to a PostgreSQL streaming replica of a PostgreSQL DATABASE_URL; "
            f"got {_redacted(url)!r}"
        )
    config["CONN_HEALTH_CHECKS"] = True
    # A replica that does not answer is given up quickly (the reads then go to the primary).
    timeout = env_int("CIVICDESK_REPLICA_CONNECT_TIMEOUT", 3, minimum=1, maximum=60)
    options = config.get("OPTIONS")
    config["OPTIONS"] = {**_postgresql_session(options), "connect_timeout": timeout}
    # Tests have no second server: the replica is the test database itself.
    config["TEST"] = {"MIRROR": "default"}
    return config


DATABASES = {"default": _database()}
_REPLICA = _replica(DATABASES["default"])
if _REPLICA is not None:
    DATABASES["replica"] = _REPLICA
# Sends the reads of replica_reads() scopes to the replica; without one it changes nothing.
DATABASE_ROUTERS = ["civicdesk.lib.replica.ReplicaRouter"]
# How far behind (seconds) the replica may be before the scoped reads go to the primary, and
# how long a replica found broken or late is left alone before it is tried again.
CIVICDESK_REPLICA_MAX_LAG = env_int("CIVICDESK_REPLICA_MAX_LAG", 300, minimum=1)
CIVICDESK_REPLICA_RETRY = env_int("CIVICDESK_REPLICA_RETRY", 30, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# models.W040: SQLite cannot add an index's covering (INCLUDE) columns and builds the index
# without them. They only spare PostgreSQL a visit to the table (the deadline watch's index on
# open orders); on SQLite the index answers the same queries, so the warning says nothing to act on.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "captcha",
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
    "civicdesk.upstream",
    "civicdesk.enterprises",
    "civicdesk.policies",
    "civicdesk.approvals",
    "civicdesk.knowledge",
    "civicdesk.routing",
    "civicdesk.open311",
    "civicdesk.statistics",
    "civicdesk.hotspots",
    "civicdesk.api",
    "civicdesk.portal",
    "civicdesk.chat",
    "civicdesk.quality",
    "civicdesk.demo",
    "civicdesk.exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # NUL refused with a 400, bidi controls stripped, before any form, API or Open311 view.
    "civicdesk.runtime.middleware.CleanInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "civicdesk.console.middleware.no_store_for_signed_in",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "civicdesk.console.middleware.password_change_first",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Sign-in lockout (django-axes): failed sign-ins are counted in the database per account and
# per client address (CIVICDESK_TRUSTED_PROXY_HOPS decides which address); past the limit, the
# account or the address is refused, also with the right password, until the lockout time
# has passed or an administrator unlocks it (user page in 系统管理, or Django admin).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("CIVICDESK_LOGIN_FAILURES", 5, minimum=1)
# A call center signs in from behind one address: the address's own, higher limit.
CIVICDESK_LOGIN_ADDRESS_FAILURES = env_int("CIVICDESK_LOGIN_ADDRESS_FAILURES", 30, minimum=1)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "civicdesk.console.lockout.LoginAttempts"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("CIVICDESK_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "civicdesk.lib.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "civicdesk.console.lockout.locked_out"
AXES_VERBOSE = False

# HTTPS. CIVICDESK_HTTPS=true (the site is reached only over https) turns on the redirect to
# https, cookies sent only over https, and HSTS for a year including subdomains (and the
# preload flag); each can still be set on its own. Behind a proxy that ends TLS, also set
# CIVICDESK_PROXY_SSL_HEADER=true so that the proxy's X-Forwarded-Proto tells Django the
# request was https (else the redirect loops).
_HTTPS = env_bool("CIVICDESK_HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("CIVICDESK_SSL_REDIRECT", _HTTPS)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("CIVICDESK_SECURE_COOKIES", _HTTPS)
SECURE_HSTS_SECONDS = env_int("CIVICDESK_HSTS_SECONDS", 365 * 86400 if _HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CIVICDESK_HSTS_INCLUDE_SUBDOMAINS", _HTTPS)
SECURE_HSTS_PRELOAD = env_bool("CIVICDESK_HSTS_PRELOAD", _HTTPS)
if env_bool("CIVICDESK_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz answers the load balancer's plain-http probe without a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A staff sign-in lasts one shift, not Django's two weeks: CIVICDESK_SESSION_HOURS from the
# sign-in (default 8), and optionally ends when the browser closes.
SESSION_COOKIE_AGE = env_int("CIVICDESK_SESSION_HOURS", 8, minimum=1, maximum=14 * 24) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("CIVICDESK_SESSION_BROWSER_CLOSE", False)

# Content-Security-Policy (django-csp): everything is served from this site (vendored htmx,
# Bootstrap, ECharts) and no page has inline script, so scripts come only from 'self'. Inline
# style stays allowed: templates and ECharts set style attributes, and htmx adds its indicator
# style; a style cannot run code. Images may be data: URIs (Bootstrap's form icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

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

# Django's form renderer with the common widgets written out in Python: the list pages draw a
# form in every row (civicdesk.lib.formrender).
FORM_RENDERER = "civicdesk.lib.formrender.Renderer"

# Checked wherever a password is set by a person: the console's own password page, an
# administrator's new account or reset, Django admin. (The demo's accounts are seed data.)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["username", "display_name", "phone", "email"]},
    },
    {
        "NAME": "civicdesk.org.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("CIVICDESK_PASSWORD_MIN_LENGTH", 8, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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

# "shared": what every process of the installation must see alike (the tokens of the lists
# each process keeps a copy of: civicdesk.lib.listversion), in a directory they all read;
# where the web servers run on several machines, a directory they share (like the media
# files). "default" stays per process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("CIVICDESK_SHARED_CACHE_DIR", str(DATA_DIR / "cache")),
        "TIMEOUT": None,
    },
}

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
# How long the background tasks' finished results are kept (civicdesk.runtime.taskresults):
# successful ones in hours, failed ones (shown to administrators with their error) in days.
CIVICDESK_TASK_RESULTS_KEEP_HOURS = env_int("CIVICDESK_TASK_RESULTS_KEEP_HOURS", 24, minimum=1)
CIVICDESK_TASK_RESULTS_FAILED_KEEP_DAYS = env_int("CIVICDESK_TASK_RESULTS_FAILED_KEEP_DAYS", 30, minimum=1)
# Whether an operator may dispatch straight to a unit without the hub (首接 on simple cases).
CIVICDESK_OPERATOR_MAY_DISPATCH = env_bool("CIVICDESK_OPERATOR_MAY_DISPATCH", True)
# Click-to-dial through the center's telephony system (civicdesk.intake.dial): the URL that
# takes a dial request (empty: numbers are tel: links only), its bearer token, and how long
# to wait for it (seconds) before telling the person to dial by hand.
CIVICDESK_CTI_DIAL_URL = env_str("CIVICDESK_CTI_DIAL_URL", "")
CIVICDESK_CTI_DIAL_TOKEN = env_str("CIVICDESK_CTI_DIAL_TOKEN", "")
CIVICDESK_CTI_TIMEOUT = env_int("CIVICDESK_CTI_TIMEOUT", 5, minimum=1, maximum=60)
# Call recordings stay on the center's recording server: the address of one recording, with
# {recording_id} where its id goes (empty: no recording is offered), and the roles at the
# call's hub or a hub above it that may listen (the agents on the call may always listen to it).
CIVICDESK_RECORDING_URL = env_str("CIVICDESK_RECORDING_URL", "")
# Quality inspectors (质检员) listen to the calls they score.
CIVICDESK_RECORDING_ROLES = env_list(
    "CIVICDESK_RECORDING_ROLES", ["supervisor", "leader", "dispatcher", "admin", "inspector"]
)
# Who rules on a unit's objection to a refused return (退单异议), the second level after the
# dispatcher who refused: these roles at the order's hub or a hub above it.
CIVICDESK_OBJECTION_REVIEWERS = env_list("CIVICDESK_OBJECTION_REVIEWERS", ["supervisor", "leader"])
_HUB_ROLE_VALUES = {"dispatcher", "supervisor", "leader", "callback_agent", "operator", "admin", "inspector"}
if not CIVICDESK_OBJECTION_REVIEWERS or set(CIVICDESK_OBJECTION_REVIEWERS) - _HUB_ROLE_VALUES:
    raise ConfigError(
        "CIVICDESK_OBJECTION_REVIEWERS must name roles held at a hub, e.g. supervisor,leader; "
        f"got {CIVICDESK_OBJECTION_REVIEWERS!r}"
    )
if set(CIVICDESK_RECORDING_ROLES) - _HUB_ROLE_VALUES:
    raise ConfigError(
        "CIVICDESK_RECORDING_ROLES must name roles held at a hub, e.g. supervisor,leader; "
        f"got {CIVICDESK_RECORDING_ROLES!r}"
    )
if CIVICDESK_RECORDING_URL and "{recording_id}" not in CIVICDESK_RECORDING_URL:
    raise ConfigError(
        "CIVICDESK_RECORDING_URL must hold {recording_id} where the recording's id goes, "
        f"e.g. https://rec.example/play?id={{recording_id}}; got {CIVICDESK_RECORDING_URL!r}"
    )

# Statistics (civicdesk.statistics.measures): what counts as satisfied / solved, the unit
# score's weights for 响应率/解决率/满意率, and the volume a unit needs to be ranked.
CIVICDESK_STATS_BASICALLY_SATISFIED = env_bool("CIVICDESK_STATS_BASICALLY_SATISFIED", True)
CIVICDESK_STATS_PARTLY_SOLVED = env_bool("CIVICDESK_STATS_PARTLY_SOLVED", False)
try:
    CIVICDESK_UNIT_SCORE_WEIGHTS = tuple(int(x) for x in env_list("CIVICDESK_UNIT_SCORE_WEIGHTS", ["30", "35", "35"]))
except ValueError:
    raise ConfigError("CIVICDESK_UNIT_SCORE_WEIGHTS must be three whole numbers, e.g. 30,35,35") from None
_weights = CIVICDESK_UNIT_SCORE_WEIGHTS
if len(_weights) != 3 or min(_weights) < 0 or sum(_weights) == 0:
    raise ConfigError("CIVICDESK_UNIT_SCORE_WEIGHTS must be three non-negative whole numbers, e.g. 30,35,35")
CIVICDESK_RANKING_MIN_VOLUME = env_int("CIVICDESK_RANKING_MIN_VOLUME", 10, minimum=1)
# 月度通报 (civicdesk.statistics.assessment): units on each red and black list, and a TOML file
# of deduction rules ([[deduction]] tables) replacing the default ones (a broken rule is refused by name).
CIVICDESK_ASSESSMENT_BOARD_SIZE = env_int("CIVICDESK_ASSESSMENT_BOARD_SIZE", 3, minimum=1)
CIVICDESK_ASSESSMENT_RULES_FILE = env_str("CIVICDESK_ASSESSMENT_RULES_FILE", "")

# 催办 and repeat calls (civicdesk.orders.actions.urging): every CIVICDESK_URGE_SUPERVISION_AT
# urges on one order raise its supervision level by one (3 → level 1, 6 → level 2, ...); a
# call from the same number on the same matter within CIVICDESK_REPEAT_CALL_DAYS of an earlier
# order is a repeat call (shown at intake, flagged on the order, counted in the statistics).
# The statistics count what was decided when each order was taken (WorkOrder.repeat_call):
# a changed number of days applies to the orders taken from then on.
CIVICDESK_URGE_SUPERVISION_AT = env_int("CIVICDESK_URGE_SUPERVISION_AT", 3, minimum=1, maximum=100)
CIVICDESK_REPEAT_CALL_DAYS = env_int("CIVICDESK_REPEAT_CALL_DAYS", 30, minimum=1, maximum=365)

# 疑难件会商 (civicdesk.orders.actions.consultation): a convened unit that has not given its
# view is reminded once when less than this many half working days are left before it falls due.
CIVICDESK_CONSULTATION_REMIND_HALF_DAYS = env_int("CIVICDESK_CONSULTATION_REMIND_HALF_DAYS", 1, minimum=1, maximum=20)

# Outbox delivery (civicdesk.notifications.delivery): batch size, retries, worker lease.
CIVICDESK_OUTBOX_BATCH = env_int("CIVICDESK_OUTBOX_BATCH", 10, minimum=1, maximum=500)
CIVICDESK_OUTBOX_MAX_ATTEMPTS = env_int("CIVICDESK_OUTBOX_MAX_ATTEMPTS", 5, minimum=1, maximum=50)
CIVICDESK_OUTBOX_BACKOFF = env_int("CIVICDESK_OUTBOX_BACKOFF", 60, minimum=1)  # seconds, doubled per attempt
CIVICDESK_OUTBOX_BACKOFF_MAX = env_int("CIVICDESK_OUTBOX_BACKOFF_MAX", 6 * 3600, minimum=1)
CIVICDESK_OUTBOX_LEASE = env_int("CIVICDESK_OUTBOX_LEASE", 300, minimum=10)  # seconds a claim stays valid
CIVICDESK_OUTBOX_PER_SWEEP = env_int("CIVICDESK_OUTBOX_PER_SWEEP", 200, minimum=1)
CIVICDESK_OUTBOX_MAX_AGE_HOURS = env_int("CIVICDESK_OUTBOX_MAX_AGE_HOURS", 48, minimum=1)
# How many days ahead the duty roster is checked for non-working days with no one on duty.
CIVICDESK_DUTY_WARN_DAYS = env_int("CIVICDESK_DUTY_WARN_DAYS", 30, minimum=1, maximum=365)
# Hotspots (civicdesk.hotspots): an order joins a hotspot whose last order is at most this many
# days old; a hotspot is shown (and announced) from this many orders by two or more callers;
# further alerts when it reaches these sizes or grows by this many orders in 7 days; alerts go
# to the inbox, and by SMS too when enabled.
CIVICDESK_HOTSPOT_WINDOW_DAYS = env_int("CIVICDESK_HOTSPOT_WINDOW_DAYS", 60, minimum=1, maximum=365)
CIVICDESK_HOTSPOT_MIN_ORDERS = env_int("CIVICDESK_HOTSPOT_MIN_ORDERS", 3, minimum=2)
CIVICDESK_HOTSPOT_ALERT_SIZES = env_int_list("CIVICDESK_HOTSPOT_ALERT_SIZES", [10, 30, 100])
CIVICDESK_HOTSPOT_ALERT_GROWTH = env_int("CIVICDESK_HOTSPOT_ALERT_GROWTH", 5, minimum=1)
CIVICDESK_HOTSPOT_ALERT_SMS = env_bool("CIVICDESK_HOTSPOT_ALERT_SMS", True)
# Order exports up to this many rows are built in the request; larger ones in the background.
# A workbook takes about 0.3-0.5 ms of CPU a row to write: 200 rows keep the request within the
# statistics pages' 200 ms (issue #20); a month's 超期 at 1M orders (1,030 rows) took 0.5 s.
CIVICDESK_STATS_EXPORT_INLINE_MAX = env_int("CIVICDESK_STATS_EXPORT_INLINE_MAX", 200, minimum=1)
# Dispatch model: the share of the most recent closed orders held back to judge a new version,
# and the local hour after which the nightly training runs.
ROUTING_HOLDOUT_PERCENT = env_int("CIVICDESK_ROUTING_HOLDOUT_PERCENT", 20, minimum=5, maximum=50)
ROUTING_NIGHTLY_HOUR = env_int("CIVICDESK_ROUTING_NIGHTLY_HOUR", 2, minimum=0, maximum=23)
# Days before a licence expires on which the company and its liaison officers are reminded.
CIVICDESK_LICENCE_REMINDER_DAYS = env_int_list("CIVICDESK_LICENCE_REMINDER_DAYS", [90, 30, 7], minimum=1)
# Where the citizen rates the handling; {number} is the order number. Empty: no link in the SMS.
CIVICDESK_RATING_URL = env_str("CIVICDESK_RATING_URL", "")
# Where citizens reach this site, e.g. https://12345.example.gov.cn — the start of every link
# sent to them (the portal's rating link). Empty: SMS carry no link.
CIVICDESK_PUBLIC_URL = env_str("CIVICDESK_PUBLIC_URL", "").rstrip("/")
if CIVICDESK_PUBLIC_URL and not re.match(r"^https?://[^/\s]+(/\S*)?$", CIVICDESK_PUBLIC_URL):
    raise ConfigError(f"CIVICDESK_PUBLIC_URL must be an http(s) URL; got {CIVICDESK_PUBLIC_URL!r}")
# Citizen portal (civicdesk.portal): rating link lifetime, rate limits, proxies in front.
CIVICDESK_RATING_LINK_DAYS = env_int("CIVICDESK_RATING_LINK_DAYS", 7, minimum=1, maximum=90)
CIVICDESK_PORTAL_SUBMITS_PER_IP_HOUR = env_int("CIVICDESK_PORTAL_SUBMITS_PER_IP_HOUR", 10, minimum=1)
CIVICDESK_PORTAL_SUBMITS_PER_PHONE_DAY = env_int("CIVICDESK_PORTAL_SUBMITS_PER_PHONE_DAY", 5, minimum=1)
CIVICDESK_PORTAL_TRACKS_PER_IP_HOUR = env_int("CIVICDESK_PORTAL_TRACKS_PER_IP_HOUR", 60, minimum=1)
CIVICDESK_PORTAL_TRACK_FAILURES_PER_NUMBER = env_int("CIVICDESK_PORTAL_TRACK_FAILURES_PER_NUMBER", 10, minimum=1)
# A citizen's 催办 on the tracking page: per order per day, and per address per hour.
CIVICDESK_PORTAL_URGES_PER_ORDER_DAY = env_int("CIVICDESK_PORTAL_URGES_PER_ORDER_DAY", 1, minimum=1)
CIVICDESK_PORTAL_URGES_PER_IP_HOUR = env_int("CIVICDESK_PORTAL_URGES_PER_IP_HOUR", 10, minimum=1)
# +1 / 附议: verification codes sent per phone per day and per address per hour.
CIVICDESK_PORTAL_SUPPORT_CODES_PER_PHONE_DAY = env_int("CIVICDESK_PORTAL_SUPPORT_CODES_PER_PHONE_DAY", 5, minimum=1)
CIVICDESK_PORTAL_SUPPORTS_PER_IP_HOUR = env_int("CIVICDESK_PORTAL_SUPPORTS_PER_IP_HOUR", 20, minimum=1)
# Captcha questions drawn per IP and hour (knowledge-base look-ups while typing: three times as many).
CIVICDESK_PORTAL_QUESTIONS_PER_IP_HOUR = env_int("CIVICDESK_PORTAL_QUESTIONS_PER_IP_HOUR", 100, minimum=1)
# The hub (unit code) that takes portal requests; empty: the highest hub with a dispatcher
# (service accounts do not count). Checked when `civicdesk serve` starts.
CIVICDESK_PORTAL_HUB = env_str("CIVICDESK_PORTAL_HUB", "")
# How many reverse proxies append to X-Forwarded-For (0: the header is not trusted).
CIVICDESK_TRUSTED_PROXY_HOPS = env_int("CIVICDESK_TRUSTED_PROXY_HOPS", 0, minimum=0, maximum=5)
# Online one-to-one (civicdesk.chat): the hours chats are staffed, on working days and on days
# off with someone of the hub on duty (as "HH:MM-HH:MM" periods, like the business hours).
CIVICDESK_CHAT_HOURS = env_str("CIVICDESK_CHAT_HOURS", "08:00-20:00")
try:
    BusinessHours.parse(CIVICDESK_CHAT_HOURS)
except ValueError as _exc:
    raise ConfigError(f"CIVICDESK_CHAT_HOURS is not valid ({_exc}): {CIVICDESK_CHAT_HOURS!r}") from None
# A citizen waiting longer than this many minutes is told when to expect an answer.
CIVICDESK_CHAT_WAIT_NOTICE_MINUTES = env_int("CIVICDESK_CHAT_WAIT_NOTICE_MINUTES", 3, minimum=1)
# A chat whose citizen page stopped polling for this many minutes is abandoned by the sweep.
CIVICDESK_CHAT_IDLE_MINUTES = env_int("CIVICDESK_CHAT_IDLE_MINUTES", 10, minimum=1)
# Abuse limits: chats started per address an hour and per phone a day, messages per chat a minute.
CIVICDESK_CHAT_STARTS_PER_IP_HOUR = env_int("CIVICDESK_CHAT_STARTS_PER_IP_HOUR", 10, minimum=1)
CIVICDESK_CHAT_STARTS_PER_PHONE_DAY = env_int("CIVICDESK_CHAT_STARTS_PER_PHONE_DAY", 5, minimum=1)
CIVICDESK_CHAT_MESSAGES_PER_MINUTE = env_int("CIVICDESK_CHAT_MESSAGES_PER_MINUTE", 12, minimum=1)
# The captcha picture (django-simple-captcha, drawn by Pillow with its bundled font): letters
# turned up to 30 degrees either way, noise arcs and dots.
CAPTCHA_FONT_SIZE = 34
CAPTCHA_LETTER_ROTATION = (-30, 30)
CAPTCHA_NOISE_FUNCTIONS = ("captcha.helpers.noise_arcs", "captcha.helpers.noise_dots")
CAPTCHA_IMAGE_SIZE = (180, 50)
CAPTCHA_2X_IMAGE = False
# The same question read aloud, for citizens who cannot see the picture: flite (Debian package
# `flite`, offline speech synthesis) spells the letters. Found on the PATH unless named here;
# without it the portal offers no audio and says to call the hotline instead.
CAPTCHA_FLITE_PATH = env_str("CIVICDESK_CAPTCHA_FLITE", "") or shutil.which("flite") or None
CAPTCHA_SOX_PATH = None
# Browser tests only: an answer the captcha accepts as well. Leave empty in production.
CIVICDESK_PORTAL_CAPTCHA_TEST_ANSWER = env_str("CIVICDESK_PORTAL_CAPTCHA_TEST_ANSWER", "")
# Deliver new SMS and e-mail right after the move commits (a task), besides the worker's sweep.
CIVICDESK_OUTBOX_DELIVER_ON_COMMIT = env_bool("CIVICDESK_OUTBOX_DELIVER_ON_COMMIT", True)
# SMS: console (prints), file (JSON lines in the data dir) or http (a gateway).
CIVICDESK_SMS_BACKEND = env_choice("CIVICDESK_SMS_BACKEND", "console", {"console", "file", "http"})
CIVICDESK_SMS_MAX_SEGMENTS = env_int("CIVICDESK_SMS_MAX_SEGMENTS", 3, minimum=1, maximum=10)
CIVICDESK_SMS_FILE = DATA_DIR / env_str("CIVICDESK_SMS_FILE", "sms-outbox.jsonl")


def _sms_gateway() -> dict[str, object]:
    """The HTTP gateway: URL and body templates with {phone} {text} {id}, auth, success rule."""
    url = env_str("CIVICDESK_SMS_URL", "")
    if CIVICDESK_SMS_BACKEND == "http" and not re.match(r"^https?://", url):
        raise ConfigError(f"CIVICDESK_SMS_URL must be an http(s) URL when CIVICDESK_SMS_BACKEND=http; got {url!r}")
    raw_headers = env_str("CIVICDESK_SMS_HEADERS", "")
    try:
        headers = json.loads(raw_headers) if raw_headers.strip() else {}
    except ValueError:
        headers = None
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise ConfigError(
            f'CIVICDESK_SMS_HEADERS must be a JSON object of strings, e.g. {{"X-Key": "k"}}; got {raw_headers!r}'
        )
    user, password = env_str("CIVICDESK_SMS_USER", ""), env_str("CIVICDESK_SMS_PASSWORD", "")
    if bool(user) != bool(password):
        raise ConfigError("CIVICDESK_SMS_USER and CIVICDESK_SMS_PASSWORD must be set together (basic auth)")
    ok_field = env_str("CIVICDESK_SMS_OK_FIELD", "")
    if ok_field and not re.match(r"^[\w.]+(=.*)?$", ok_field):
        raise ConfigError(f"CIVICDESK_SMS_OK_FIELD must be a dotted JSON path, optionally =value; got {ok_field!r}")
    return {
        "url": url,
        "method": env_choice("CIVICDESK_SMS_METHOD", "GET", {"GET", "POST"}),
        "body": env_str("CIVICDESK_SMS_BODY", ""),
        "headers": headers,
        "user": user,
        "password": password,
        "token": env_str("CIVICDESK_SMS_TOKEN", ""),
        "ok_field": ok_field,
        "id_header": env_str("CIVICDESK_SMS_ID_HEADER", ""),
        "timeout": env_int("CIVICDESK_SMS_TIMEOUT", 10, minimum=1, maximum=120),
    }


CIVICDESK_SMS_GATEWAY = _sms_gateway()
# E-mail through Django's backends; SMTP is configured by Django's own EMAIL_* names.
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
EMAIL_BACKEND = _EMAIL_BACKENDS[env_choice("CIVICDESK_EMAIL_BACKEND", "console", set(_EMAIL_BACKENDS))]
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ConfigError("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "12345@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Attachments and exports are only ever served by views that check the reader's right
# (civicdesk.lib.files). Behind nginx, set this to an `internal` location aliasing
# MEDIA_ROOT (e.g. /protected-media/) and the view answers with X-Accel-Redirect instead of
# streaming the file itself. MEDIA_URL is never served.
CIVICDESK_X_ACCEL_PREFIX = env_str("CIVICDESK_X_ACCEL_PREFIX", "")

"""Settings for the migration portal, read from the environment.

Every variable is listed with a comment in `.env.example`. The defaults are the quickstart's:
a SQLite file next to `manage.py`. In production (`DEBUG` off) a missing secret stops the
service at start-up with a message that names the variable.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import django_stubs_ext
import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A `.env` file beside manage.py is read when present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def mandatory(name: str) -> str:
    """Return a variable that production cannot run without, or fail naming it."""
    value = str(env.str(name, default=""))
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. It is required when DEBUG is off; see .env.example."
        )
    return value


# The quickstart (DEBUG on) gets a fixed, clearly insecure key; production must set one.
SECRET_KEY = (
    env.str("SECRET_KEY", default="insecure-quickstart-key-do-not-use-in-production")
    if DEBUG
    else mandatory("SECRET_KEY")
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# ModelAdmin[LegacyUser], QuerySet[LegacyUser]... usable at run time, as mypy reads them.
django_stubs_ext.monkeypatch()

INSTALLED_APPS = [
    "migration_portal.apps.PortalAdminConfig",  # django.contrib.admin, with the dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "legacy_users",
    "hooks",
]

MIDDLEWARE = [
    # First: when the request arrived (a hook call's budget starts there).
    "migration_portal.serving.ArrivalMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every admin page (django-csp): below.
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: refuses a locked-out admin login before any hashing.
    "axes.middleware.AxesMiddleware",
]

# --- Which faces this process serves -------------------------------------------------------
# Okta's hooks and the operators' admin run from the same code; production serves them from
# separate processes (HOOKS_ENABLED=false on the admin's, ADMIN_ENABLED=false on the hook's)
# so an admin login's password hashing never takes a worker Okta is waiting on. In
# production the admin is off unless asked for: a process Okta reaches from the internet
# serves the hooks only, and the admin's process says ADMIN_ENABLED=true.
ADMIN_ENABLED = env.bool("ADMIN_ENABLED", default=DEBUG)
HOOKS_ENABLED = env.bool("HOOKS_ENABLED", default=True)
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"
if not ADMIN_ENABLED:
    # A hook-only process has no sessions, logins, forms or static files to serve.
    MIDDLEWARE = [
        "migration_portal.serving.ArrivalMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
    ]
    # The admin app stays installed (its tables, the commands) but is not served here.
    SILENCED_SYSTEM_CHECKS = ["admin.E408", "admin.E409", "admin.E410", "axes.W002"]
if ADMIN_URL == "/" or ADMIN_URL.startswith(("hooks/", "healthz")):
    raise ImproperlyConfigured("ADMIN_URL must be a path of its own, e.g. ops-7f3a/")
if not ADMIN_ENABLED and not HOOKS_ENABLED:
    raise ImproperlyConfigured("ADMIN_ENABLED and HOOKS_ENABLED are both off: nothing to serve.")

# The admin's Content-Security-Policy: scripts, styles, images and requests from this origin
# only, no inline script or style (the admin's own styles and bars are static files), no
# framing, forms posting here only. Chart.js draws through the canvas and the DOM, which the
# policy allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Admin logins are throttled by django-axes: after ADMIN_LOGIN_FAILURE_LIMIT failures for one
# username from one address, that username is refused from that address, without hashing,
# for ADMIN_LOGIN_COOLOFF_MINUTES. Keyed by both, so failures for a made-up username lock
# nobody else out, and a real operator elsewhere is not locked out by a guesser.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Operators sign in through the company's identity provider (OpenID Connect) ----------
# The issuer (an Okta authorization server: https://example.okta.com, or
# https://example.okta.com/oauth2/default) and the portal's OIDC web app in it.
ADMIN_OIDC_ISSUER = env.str("ADMIN_OIDC_ISSUER", default="").rstrip("/")
ADMIN_OIDC_CLIENT_ID = env.str("ADMIN_OIDC_CLIENT_ID", default="")
ADMIN_OIDC_CLIENT_SECRET = env.str("ADMIN_OIDC_CLIENT_SECRET", default="")
ADMIN_OIDC_SCOPES = env.str("ADMIN_OIDC_SCOPES", default="openid email profile groups")
# The claim that lists the person's groups, and which groups give which role.
ADMIN_OIDC_GROUPS_CLAIM = env.str("ADMIN_OIDC_GROUPS_CLAIM", default="groups")
ADMIN_OIDC_VIEWER_GROUPS = env.list("ADMIN_OIDC_VIEWER_GROUPS", default=[])
ADMIN_OIDC_OPERATOR_GROUPS = env.list("ADMIN_OIDC_OPERATOR_GROUPS", default=[])
ADMIN_OIDC_SUPERUSER_GROUPS = env.list("ADMIN_OIDC_SUPERUSER_GROUPS", default=[])
# The password form: on by default without OIDC, off with it; ADMIN_PASSWORD_LOGIN=true
# re-enables it (the break-glass path, with a superuser made by createsuperuser).
ADMIN_PASSWORD_LOGIN = env.bool(
    "ADMIN_PASSWORD_LOGIN", default=not (ADMIN_OIDC_ISSUER and ADMIN_OIDC_CLIENT_ID)
)
# An admin session lasts this long at most, then the operator signs in again (and their
# groups are read again).
ADMIN_SESSION_MINUTES = env.int("ADMIN_SESSION_MINUTES", default=60)
SESSION_COOKIE_AGE = ADMIN_SESSION_MINUTES * 60
if ADMIN_OIDC_ISSUER and ADMIN_OIDC_CLIENT_ID:
    from migration_portal.oidc_discovery import lazy_endpoint

    AUTHENTICATION_BACKENDS.insert(1, "migration_portal.oidc.OperatorBackend")
    OIDC_RP_CLIENT_ID = ADMIN_OIDC_CLIENT_ID
    OIDC_RP_CLIENT_SECRET = ADMIN_OIDC_CLIENT_SECRET
    OIDC_RP_SCOPES = ADMIN_OIDC_SCOPES
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_OP_AUTHORIZATION_ENDPOINT = lazy_endpoint("authorization_endpoint")
    OIDC_OP_TOKEN_ENDPOINT = lazy_endpoint("token_endpoint")
    OIDC_OP_USER_ENDPOINT = lazy_endpoint("userinfo_endpoint")
    OIDC_OP_JWKS_ENDPOINT = lazy_endpoint("jwks_uri")
    OIDC_USE_PKCE = True
    OIDC_USE_NONCE = True
    OIDC_STORE_ID_TOKEN = True
    OIDC_TIMEOUT = 10
    OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
    LOGIN_REDIRECT_URL = "admin:index"
    LOGIN_REDIRECT_URL_FAILURE = f"/{ADMIN_URL}oidc/refused/"
    # Signing out posts the admin's form, whose answer sends the browser on to the
    # provider's end_session_endpoint: the policy's form-action must let it go there.
    _issuer = urlsplit(ADMIN_OIDC_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [
        SELF,
        f"{_issuer.scheme}://{_issuer.netloc}",
    ]
if not ADMIN_PASSWORD_LOGIN:
    AUTHENTICATION_BACKENDS.remove("django.contrib.auth.backends.ModelBackend")
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ADMIN_LOGIN_COOLOFF_MINUTES", default=15))
# How many days records are kept (0: for ever); apply_retention deletes older ones in small
# batches. The dashboard's figures are kept whole (calls are rolled up before they go).
HOOK_CALL_RETENTION_DAYS = env.int("HOOK_CALL_RETENTION_DAYS", default=90)
OKTA_EVENT_RETENTION_DAYS = env.int("OKTA_EVENT_RETENTION_DAYS", default=90)
LOAD_RUN_RETENTION_DAYS = env.int("LOAD_RUN_RETENTION_DAYS", default=365)
# Secret hash parameters (a pepper, Firebase's signer key) are given by name,
# {"key": "secret:<name>"}, and read from <HASH_SECRETS_DIR>/<name> (or HASH_SECRET_<NAME>).
HASH_SECRETS_DIR = env.str("HASH_SECRETS_DIR", default="")
# The exported profile attributes (extra columns) the admin shows to operators and viewers;
# superusers see them all. An export's unknown columns can hold secrets (a second hash, a
# TOTP seed): nothing is shown unless listed.
ADMIN_PROFILE_ATTRIBUTES = env.list("ADMIN_PROFILE_ATTRIBUTES", default=[])
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address: REMOTE_ADDR, or behind ADMIN_PROXY_COUNT reverse proxies that each
# append the address they saw to X-Forwarded-For, the entry the outermost one appended
# (django-ipware; what a client wrote in the header itself is never taken).
ADMIN_PROXY_COUNT = env.int("ADMIN_PROXY_COUNT", default=0)
if ADMIN_PROXY_COUNT < 0:
    raise ImproperlyConfigured("ADMIN_PROXY_COUNT must be 0 or more")
if ADMIN_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    # ipware counts the proxies listed in the header: all but the one Django sees. Not
    # strict: entries a client wrote before the proxies' own are ignored, not an error.
    AXES_IPWARE_PROXY_COUNT = ADMIN_PROXY_COUNT - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_RESET_ON_SUCCESS = True

ROOT_URLCONF = "migration_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "migration_portal.wsgi.application"
ASGI_APPLICATION = "migration_portal.asgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
# Off by default: a health check is one more round trip on every hook call, and a broken
# connection costs one 503 (which Okta retries) before Django replaces it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DB_CONN_HEALTH_CHECKS", default=False)

# The worker (legacy_users/tasks.py): Procrastinate keeps its jobs in the portal's
# PostgreSQL. On SQLite (the demo) there is no worker: the commands run the same jobs.
WORKER_AVAILABLE = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if WORKER_AVAILABLE:
    INSTALLED_APPS.append("procrastinate.contrib.django")

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The quickstart's SQLite: writers queue for the lock (IMMEDIATE) instead of failing
    # with "database is locked" when several hook calls write at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    # Tests on SQLite use a file too: the in-memory default's shared cache answers
    # concurrent writers with "table is locked" instead of letting them queue.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(BASE_DIR / ".test-db.sqlite3")
    )
# The hook's statements run prepared on PostgreSQL (legacy_users/services/statements.py). Off
# for a transaction-pooling PgBouncer older than 1.21.
DB_PREPARED_STATEMENTS = env.bool("DB_PREPARED_STATEMENTS", default=True)
if DB_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Django turns psycopg's preparing off (None); its own client-side cursors never prepare,
    # so this only lets the hook's statements be.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
# A ceiling on any one statement, for the serving processes (Okta waits 3 s). The loader
# lifts it for its own session. 0 = no limit.
DB_STATEMENT_TIMEOUT_MS = env.int("DB_STATEMENT_TIMEOUT_MS", default=0)
if DB_STATEMENT_TIMEOUT_MS and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Also what flags an imported legacy password as weak (Okta does not apply its own policy to
# passwords the hook imports): Django's validators, run in memory on a verified password.
WEAK_PASSWORD_MIN_LENGTH = env.int("WEAK_PASSWORD_MIN_LENGTH", default=8)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": WEAK_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Production hardening (kept on unless DEBUG; `manage.py check --deploy` is clean) ---
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips any client copy).
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The health check is probed over plain HTTP by load balancers inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- The Okta password import hook ---
# The header Okta sends the shared secret in, and the accepted values (several, so a
# secret can be rotated without downtime: add the new one, switch Okta, drop the old one).
OKTA_HOOK_AUTH_HEADER = env.str("OKTA_HOOK_AUTH_HEADER", default="Authorization")
OKTA_HOOK_AUTH_VALUES = [
    value for value in env.list("OKTA_HOOK_AUTH_VALUES", default=[]) if value.strip()
]
# OAuth 2.0: Okta sends "Authorization: Bearer <JWT>" from an authorization server; the token
# must be RS256-signed by a key in the issuer's JWKS, for this audience, with this scope.
OKTA_HOOK_OAUTH_ISSUER = env.str("OKTA_HOOK_OAUTH_ISSUER", default="").rstrip("/")
OKTA_HOOK_OAUTH_AUDIENCE = env.str("OKTA_HOOK_OAUTH_AUDIENCE", default="")
OKTA_HOOK_OAUTH_SCOPE = env.str("OKTA_HOOK_OAUTH_SCOPE", default="")
OKTA_HOOK_OAUTH_JWKS_URL = env.str("OKTA_HOOK_OAUTH_JWKS_URL", default="")
OKTA_HOOK_OAUTH_CLIENT_IDS = env.list("OKTA_HOOK_OAUTH_CLIENT_IDS", default=[])
if OKTA_HOOK_OAUTH_ISSUER:
    for _name in ("OKTA_HOOK_OAUTH_AUDIENCE", "OKTA_HOOK_OAUTH_SCOPE"):
        if not globals()[_name]:
            raise ImproperlyConfigured(
                f"{_name} is not set; it is required with OKTA_HOOK_OAUTH_ISSUER."
            )
# The event hook (Okta's `user.import.password` confirmations) has a secret of its own, so
# whoever holds the password hook's secret cannot forge confirmations. Unset: the event
# endpoint answers 404 and confirmations come from the System Log (`okta_sync_imports`).
OKTA_EVENT_HOOK_AUTH_HEADER = env.str("OKTA_EVENT_HOOK_AUTH_HEADER", default="Authorization")
# Events one event hook delivery may carry: Okta batches a few at a time; a body of
# thousands is an attack on the worker, answered 413 before any is read.
OKTA_EVENT_HOOK_MAX_EVENTS = env.int("OKTA_EVENT_HOOK_MAX_EVENTS", default=100)
OKTA_EVENT_HOOK_AUTH_VALUES = [
    value for value in env.list("OKTA_EVENT_HOOK_AUTH_VALUES", default=[]) if value.strip()
]
if not DEBUG and not OKTA_HOOK_AUTH_VALUES and not OKTA_HOOK_OAUTH_ISSUER:
    raise ImproperlyConfigured(
        "OKTA_HOOK_AUTH_VALUES is not set (nor OKTA_HOOK_OAUTH_ISSUER). Without one of them "
        "every hook call is refused; set the secret configured on Okta's inline hook."
    )
# Hook request bodies above this size are refused with 413 before they are parsed.
OKTA_HOOK_MAX_BODY_BYTES = env.int("OKTA_HOOK_MAX_BODY_BYTES", default=64 * 1024)
# A typed password longer than this (in UTF-8 bytes) is answered UNVERIFIED without hashing
# and counts as a failure: no real sign-in sends one, and hashing one costs in proportion.
OKTA_HOOK_MAX_PASSWORD_BYTES = env.int("OKTA_HOOK_MAX_PASSWORD_BYTES", default=1024)
# Okta waits 3 s: a call that cannot answer within this budget answers 503 (Okta retries once)
# and never marks a user verified late.
OKTA_HOOK_DEADLINE_MS = env.int("OKTA_HOOK_DEADLINE_MS", default=2500)
# Password checks one process runs at once. A call waits for a slot only while it can still
# be answered within its budget; otherwise it is shed at once with 503 (Okta retries once).
# Default: the number of cores. The hash libraries release the GIL, so one process can hash
# on every core, which matters because a kept-alive connection stays with the process that
# accepted it: an unlucky spread must not leave a core idle.
OKTA_HOOK_VERIFY_SLOTS = env.int("OKTA_HOOK_VERIFY_SLOTS", default=os.cpu_count() or 1)
# A shed call's 503 leaves this long after the call arrived (not at once), so that callers
# retrying at once cannot turn refusals into a flood that starves the checks being served.
OKTA_HOOK_SHED_HOLD_MS = env.int("OKTA_HOOK_SHED_HOLD_MS", default=250)
# Behind a proxy that sets X-Request-Start (and strips any client copy): a call's budget
# starts there, so the proxy's own queue counts.
TRUST_X_REQUEST_START = env.bool("TRUST_X_REQUEST_START", default=False)
# Wrong passwords from one source (an IPv4 address or an IPv6 /64) that lock that source out
# of that login, and for how long. The whole account is locked (in the database, shown in
# the admin) only when failures for it come from at least OKTA_HOOK_LOCKOUT_SOURCES sources.
OKTA_HOOK_LOCKOUT_THRESHOLD = env.int("OKTA_HOOK_LOCKOUT_THRESHOLD", default=10)
OKTA_HOOK_LOCKOUT_MINUTES = env.int("OKTA_HOOK_LOCKOUT_MINUTES", default=15)
OKTA_HOOK_LOCKOUT_SOURCES = env.int("OKTA_HOOK_LOCKOUT_SOURCES", default=3)
# Failed calls per minute across all logins before a password spray is assumed; past it each
# wrong answer waits OKTA_HOOK_SPRAY_DELAY_MS (within the deadline), right answers do not.
OKTA_HOOK_GLOBAL_FAILURES_PER_MINUTE = env.int("OKTA_HOOK_GLOBAL_FAILURES_PER_MINUTE", default=600)
OKTA_HOOK_SPRAY_DELAY_MS = env.int("OKTA_HOOK_SPRAY_DELAY_MS", default=1000)
# Failed calls allowed per minute for one login (known or not) and for one end-user IP.
OKTA_HOOK_LOGIN_FAILURES_PER_MINUTE = env.int("OKTA_HOOK_LOGIN_FAILURES_PER_MINUTE", default=20)
OKTA_HOOK_IP_FAILURES_PER_MINUTE = env.int("OKTA_HOOK_IP_FAILURES_PER_MINUTE", default=100)
# bcrypt cost of the dummy check run for unknown logins, so they take as long as a real one.
OKTA_HOOK_DUMMY_BCRYPT_ROUNDS = env.int("OKTA_HOOK_DUMMY_BCRYPT_ROUNDS", default=10)
# Every UNVERIFIED answer leaves no sooner than this after the call arrived, so a refusal's
# time says nothing of whether the login exists or how cheap its hash is. "auto": the
# slowest hash check among the loaded formats, as measured after each load (or by
# measure_hash_costs). A number: that many milliseconds (0: off).
_floor = env.str("OKTA_HOOK_REFUSAL_FLOOR_MS", default="auto").strip().lower()
if _floor != "auto" and not _floor.isdigit():
    raise ImproperlyConfigured("OKTA_HOOK_REFUSAL_FLOOR_MS must be auto or a whole number")
OKTA_HOOK_REFUSAL_FLOOR_MS = -1 if _floor == "auto" else int(_floor)

# --- Okta's management API (pushing users, registering hooks, reading the System Log) ---
OKTA_ORG_URL = env.str("OKTA_ORG_URL", default="").rstrip("/")
OKTA_API_TOKEN = env.str("OKTA_API_TOKEN", default="")
# Requests to Okta in flight at once (each still waits for the rate limit's reset).
OKTA_API_CONCURRENCY = env.int("OKTA_API_CONCURRENCY", default=4)
# Okta writes an event to its System Log seconds after it happens: okta_sync_imports reads
# up to this many seconds before now, so no event can land behind its cursor.
OKTA_SYSTEM_LOG_LAG_SECONDS = env.int("OKTA_SYSTEM_LOG_LAG_SECONDS", default=60)
# Where each Okta profile attribute comes from: attribute=source|source, comma-separated
# (sources: login, email, first_name, last_name, local, profile.<key>, default:<text>);
# merged over login=login, email=email|login, firstName=first_name|local, lastName=last_name|local.
OKTA_PROFILE_MAP = env.str("OKTA_PROFILE_MAP", default="")
# Wipe a user's legacy hash as soon as Okta confirms it stored the password.
PURGE_HASH_ON_CONFIRM = env.bool("PURGE_HASH_ON_CONFIRM", default=True)

# /metrics answers only with "Authorization: Bearer <METRICS_TOKEN>"; unset, it is a 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# "plain" lines, or "json": one object per line (each hook call: attempt, outcome, reason,
# format, duration), for a log pipeline. Never a password, in either.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {"redact": {"()": "migration_portal.logging.RedactPasswordsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Start-up chatter every command and process would print (the worker's task registry,
    # django-axes' banner): warnings only. The worker's job lines stay.
    "loggers": {
        name: {"level": "WARNING"}
        for name in ("procrastinate.periodic", "procrastinate.blueprints", "axes.apps")
    },
}

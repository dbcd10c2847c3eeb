"""Trackeep settings, read from the environment (django-environ).

``TRACKEEP_MODE=production`` turns on the deploy hardening and requires ``SECRET_KEY``; the default
``development`` mode runs on embedded defaults (SQLite in ``var/``, Redis at ``REDIS_URL``). Every
variable is listed in the README's configuration table.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from core.redis.keys import VIEW_RATE_LIMIT_PREFIX
from trackeep.redis_config import (
    SENTINEL_BREAKER_RESET_SECONDS,
    channel_layer,
    django_redis_cache,
    monitor_urls,
    role_settings,
    rq_connection,
)

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

MODE = env.str("TRACKEEP_MODE", default="development")
if MODE not in ("development", "production"):
    raise ImproperlyConfigured("TRACKEEP_MODE must be 'development' or 'production'")
PRODUCTION = MODE == "production"

if PRODUCTION and not env.str("SECRET_KEY", default=""):
    raise ImproperlyConfigured("SECRET_KEY must be set when TRACKEEP_MODE=production")
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0000")
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "core.admin_site.TrackeepAdminConfig",  # django.contrib.admin, index grouped for operators
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_rq",
    "django_htmx",
    "django_ratelimit",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",  # django-ninja: its Swagger UI assets are served from the package (no CDN)
    "core",
    "accounts",
    "content",
    "search",
    "messaging",
    "analytics",
    "learning",
    "habits",
    "timetracking",
    "marketplace",
    "community",
    "api",
    "reader",
]

MIDDLEWARE = [
    "core.prometheus.middleware.RequestMetricsMiddleware",  # outermost: times the whole request
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.SnapshotAuthenticationMiddleware",
    "api.middleware.ApiErrorBodyMiddleware",  # /api/ errors from the limiter and Django in the API's shape
    "api.middleware.TokenAuthenticationMiddleware",  # before the limiter: a token spends its user's budget
    "core.ratelimit.middleware.RateLimitMiddleware",
    "accounts.middleware.SessionActivityMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "accounts.middleware.FirstRunMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "trackeep.urls"
WSGI_APPLICATION = "trackeep.wsgi.application"
ASGI_APPLICATION = "trackeep.asgi.application"

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
                "csp.context_processors.nonce",
                "accounts.context_processors.signup",
                "accounts.context_processors.email_verification",
                "messaging.context_processors.unread_counts",
                "core.nav.nav_urls",  # the layout's constant URLs, resolved once per process
            ],
            # ``|when``: one time format on every page (core/templatetags/when.py).
            # ``{% id_url %}``: ``{% url %}`` for list rows, one reverse() per URL name and process.
            "builtins": ["core.templatetags.when", "core.templatetags.id_url"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'trackeep.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: roles, feature flags, caches, sessions, channel layer ----------------------------
REDIS_KEY_PREFIX = env.str("REDIS_KEY_PREFIX", default="tk")
REDIS_SESSIONS_ENABLED = env.bool("REDIS_SESSIONS_ENABLED", default=True)
REDIS_CACHE_ENABLED = env.bool("REDIS_CACHE_ENABLED", default=True)
REDIS_RATELIMIT_ENABLED = env.bool("REDIS_RATELIMIT_ENABLED", default=True)
REDIS_PUBSUB_ENABLED = env.bool("REDIS_PUBSUB_ENABLED", default=True)
REDIS_ROLES = {role: role_settings(env, role) for role in ("cache", "state", "channels")}
# Who the monitoring sampler connects as, per role (core.monitoring; docs/operations.md).
REDIS_MONITOR_URLS = monitor_urls(env, REDIS_ROLES)
# Bearer token of GET /metrics (Prometheus); empty: the endpoint answers 404 (docs/operations.md).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Server processes (Daphne, gunicorn workers, job workers) listen for system events on the state role:
# admin policy changes, process-cache invalidations, triggers (core.system_events; docs/operations.md).
SYSTEM_EVENTS_LISTEN = env.bool("SYSTEM_EVENTS_LISTEN", default=True)
# Circuit breaker: after this many consecutive failures a role's Redis is skipped for the period.
REDIS_BREAKER_FAILURES = env.int("REDIS_BREAKER_FAILURES", default=2)
# Behind Sentinel an unreachable primary is normally replaced within seconds (docs/deployment.md,
# "Sentinel"), so the breakers try again sooner: a long period would outlast the failover.
REDIS_BREAKER_RESET_SECONDS = env.float(
    "REDIS_BREAKER_RESET_SECONDS",
    default=SENTINEL_BREAKER_RESET_SECONDS if any(r.sentinels for r in REDIS_ROLES.values()) else 10.0,
)

# What the cache role becomes with REDIS_CACHE_ENABLED off: a per-process memory cache ("local"), or
# none at all ("none": the seed's "before Redis", which the benchmarks compare against).
REDIS_CACHE_FALLBACK = env.str("REDIS_CACHE_FALLBACK", default="local")
if REDIS_CACHE_FALLBACK not in ("local", "none"):
    raise ImproperlyConfigured("REDIS_CACHE_FALLBACK must be 'local' or 'none'")
_LOCAL_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
    if REDIS_CACHE_FALLBACK == "local"
    else "django.core.cache.backends.dummy.DummyCache"
}
CACHES = {
    # Cached query results: fail soft (a miss), never an error page.
    "default": django_redis_cache(
        REDIS_ROLES["cache"], key_prefix=REDIS_KEY_PREFIX, ignore_exceptions=True, timeout=300
    )
    if REDIS_CACHE_ENABLED
    else {**_LOCAL_CACHE, "LOCATION": "trackeep-cache"},
    # Sessions, rate limits, leaderboards: errors are raised so each caller applies its policy.
    "state": django_redis_cache(
        REDIS_ROLES["state"], key_prefix=REDIS_KEY_PREFIX, ignore_exceptions=False, timeout=86400
    ),
}
# The circuit breaker logs once when it opens and once when it closes; a traceback per ignored cache
# call during an outage would flood the logs.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False

SESSION_ENGINE = "accounts.sessions.redis_db" if REDIS_SESSIONS_ENABLED else "accounts.sessions.database"
SESSION_CACHE_ALIAS = "state"
SESSION_COOKIE_AGE = 24 * 60 * 60  # sliding: refreshed at most once a minute by activity
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# How often each process re-reads the revocations other processes recorded in the database while
# Redis missed them (accounts/sessions/stale.py, credentials.py): one small query per interval.
SESSION_REVOCATIONS_REFRESH_SECONDS = env.float("SESSION_REVOCATIONS_REFRESH_SECONDS", default=2.0)

# Which channels-redis layer: "pubsub" or "lists" (docs/messaging.md, "Which channel layer").
CHANNEL_LAYER = env.str("CHANNEL_LAYER", default="pubsub")
CHANNEL_LAYERS = {
    "default": channel_layer(REDIS_ROLES["channels"], prefix=REDIS_KEY_PREFIX, kind=CHANNEL_LAYER)
    if REDIS_PUBSUB_ENABLED
    else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
}

# --- Background jobs (core.jobs: RQ through django-rq, on the state role) --------------------
# RQ reads its key prefix from the environment when it is first imported, which is after settings:
# its keys then sit under ours, inside the compose ACL's ~tk:*. An RQ_KEY_PREFIX set outside wins
# (core.jobs.checks reports one that disagrees with REDIS_KEY_PREFIX).
JOBS_KEY_PREFIX = f"{REDIS_KEY_PREFIX}:rq"
os.environ.setdefault("RQ_KEY_PREFIX", JOBS_KEY_PREFIX)
# Queues in the order a worker serves them: default (fan-out, reader copies), low (imports, rebuilds).
JOBS_QUEUES = ["default", "low"]
# A run longer than this is stopped and counts as a failure (retried like one).
JOBS_TIMEOUT_SECONDS = env.int("JOBS_TIMEOUT_SECONDS", default=600)
# Retries of a failed or abandoned job, and the wait before each (the last repeats).
JOBS_RETRIES = env.int("JOBS_RETRIES", default=3)
JOBS_RETRY_BACKOFF_SECONDS = env.list("JOBS_RETRY_BACKOFF_SECONDS", cast=int, default=[10, 60, 300])
# How long finished and failed jobs stay visible in the admin.
JOBS_RESULT_TTL_SECONDS = env.int("JOBS_RESULT_TTL_SECONDS", default=24 * 60 * 60)
JOBS_FAILED_TTL_SECONDS = env.int("JOBS_FAILED_TTL_SECONDS", default=14 * 24 * 60 * 60)
# A running job's heartbeat period; a job whose worker has sent none for the grace period on top is
# abandoned (its worker died) and retried. Workers look for abandoned jobs every maintenance period.
JOBS_HEARTBEAT_SECONDS = env.int("JOBS_HEARTBEAT_SECONDS", default=30)
JOBS_ABANDONED_GRACE_SECONDS = env.int("JOBS_ABANDONED_GRACE_SECONDS", default=60)
JOBS_MAINTENANCE_SECONDS = env.int("JOBS_MAINTENANCE_SECONDS", default=60)
RQ_QUEUES = {
    name: {
        **rq_connection(REDIS_ROLES["state"]),
        # Job arguments are JSON: nothing read back from Redis is unpickled.
        "SERIALIZER": "rq.serializers.JSONSerializer",
        "DEFAULT_TIMEOUT": JOBS_TIMEOUT_SECONDS,
        "DEFAULT_RESULT_TTL": JOBS_RESULT_TTL_SECONDS,
    }
    for name in JOBS_QUEUES
}
RQ = {
    "WORKER_CLASS": "core.jobs.worker.Worker",
    "JOB_CLASS": "core.jobs.declared.DeclaredJob",
    # core.jobs.enqueue sends at once; enqueue_on_commit waits for the transaction, explicitly.
    "COMMIT_MODE": "auto",
}

# --- Accounts and authentication (django-allauth) --------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = True  # sessions slide for 24 h; no "remember me" box
# allauth's limiter locks with cache.add on the default cache, so it cannot run while that Redis is
# down; login attempts and password resets are limited by core.ratelimit instead (one mechanism).
ACCOUNT_RATE_LIMITS = False
LOGIN_ATTEMPTS_LIMIT = env.int("LOGIN_ATTEMPTS_LIMIT", default=5)
LOGIN_ATTEMPTS_WINDOW_SECONDS = env.int("LOGIN_ATTEMPTS_WINDOW_SECONDS", default=300)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Trackeep"
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# --- Messaging -------------------------------------------------------------------------------
MESSAGE_MAX_LENGTH = env.int("MESSAGE_MAX_LENGTH", default=4000)
# The live fan-out of one write runs inside its request: all its channel-layer sends get this long.
MESSAGING_FANOUT_TIMEOUT_SECONDS = env.float("MESSAGING_FANOUT_TIMEOUT_SECONDS", default=0.5)
# How often an open socket re-checks its session and whether the layer lost its groups (messaging/upkeep.py).
MESSAGING_SOCKET_CHECK_SECONDS = env.float("MESSAGING_SOCKET_CHECK_SECONDS", default=10.0)
# A new message's notifications are written by a job after the broadcast (messaging.jobs), so the
# POST does not wait for them; false: in the request's own transaction (tests, a setup without
# workers). A queue that refuses the job gets them written in the request after its commit.
MESSAGING_NOTIFY_IN_BACKGROUND = env.bool("MESSAGING_NOTIFY_IN_BACKGROUND", default=True)

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media files (whitenoise) ----------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic output (the Docker image); development and tests serve from the finders instead.
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Content: uploads, imports, bookmark metadata (docs/content.md) --------------------------
# Uploaded files: per-file cap, checked by content.uploads before anything is stored.
CONTENT_UPLOAD_MAX_BYTES = env.int("CONTENT_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Import files (browser bookmark HTML, Trackeep archives).
CONTENT_IMPORT_MAX_BYTES = env.int("CONTENT_IMPORT_MAX_BYTES", default=100 * 1024 * 1024)
# Seconds an import job may spend parsing a browser bookmark file (content.import_runs).
CONTENT_IMPORT_PARSE_SECONDS = env.int("CONTENT_IMPORT_PARSE_SECONDS", default=30)
# Fetch a bookmarked page's title in the background when none was given (off: title from the URL).
CONTENT_FETCH_METADATA = env.bool("CONTENT_FETCH_METADATA", default=True)
CONTENT_FETCH_TIMEOUT_SECONDS = env.float("CONTENT_FETCH_TIMEOUT_SECONDS", default=3.0)
# Allow fetching pages on loopback/private addresses (off: a bookmark cannot probe the LAN).
CONTENT_FETCH_ALLOW_PRIVATE = env.bool("CONTENT_FETCH_ALLOW_PRIVATE", default=False)
# Reader copies (reader/): queue a fetch of every new bookmark's page for the Read view and search.
# The fetch uses the limits above (timeout, size cap, CONTENT_FETCH_ALLOW_PRIVATE).
READER_FETCH_PAGES = env.bool("READER_FETCH_PAGES", default=True)
# Request bodies: form fields (not files) up to 2.5 MiB; file parts above 2.5 MiB spool to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# --- Email -----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Trackeep <trackeep@localhost>")
# Does outgoing mail reach people? The default console backend only prints it, and then nobody could
# ever verify an address: verification is asked for only when mail is delivered (docs/operations.md).
_NON_DELIVERING_BACKENDS = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
)
EMAIL_DELIVERS = env.bool(
    "EMAIL_DELIVERS", default=EMAIL_CONFIG["EMAIL_BACKEND"] not in _NON_DELIVERING_BACKENDS
)
# With mail: new addresses get a verification link (sign-in is not blocked), and two-factor can be
# turned on once the address is verified (allauth's rule: an unverified address could belong to
# someone else). Without mail: no verification at all.
ACCOUNT_EMAIL_VERIFICATION = env.str(
    "ACCOUNT_EMAIL_VERIFICATION", default="optional" if EMAIL_DELIVERS else "none"
)
MFA_ALLOW_UNVERIFIED_EMAIL = not EMAIL_DELIVERS
MFA_ADAPTER = "accounts.adapter.MFAAdapter"

# --- Security --------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp; Django 5.2 has none built in): scripts only from this site or
# carrying the per-response nonce ({{ request.csp_nonce }}), so an injected <script> or onclick= is
# dead. style attributes stay allowed (tag colours are a CSS variable per tag); images may come
# from https: (bookmark favicons) and data: (the TOTP QR code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "https:"],
        "connect-src": [SELF],  # fetch and the messaging WebSocket (same host)
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy: no page of Trackeep uses these browser features, so no page (nor anything
# injected into one) may ask for them.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "usb", "browsing-topics",
    )
}  # fmt: skip
# /readyz answers every caller ready or not; the per-dependency details (which Redis role is down)
# go only to staff and to these networks (CIDR, e.g. the load balancer's or monitoring's).
READYZ_DETAIL_NETWORKS = env.list("READYZ_DETAIL_NETWORKS", default=[])

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    # Preloading commits the whole domain to HTTPS in browsers for months and is hard to undo, so it
    # stays an explicit opt-in and check --deploy does not nag about it (docs/deployment.md).
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # /healthz is probed over plain HTTP inside the compose network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Rate limits (core.ratelimit; docs/ratelimiting.md) -------------------------------------
# Every limit in one table. window in seconds; paths are path prefixes, url_names resolved URL names,
# methods empty means all; fallback: only for requests no other policy claims; identity user_or_ip |
# ip | ip_and_account; outage when Redis fails: "open" (admit, log, count) or "local" (per-process
# limiter); enforced_by: "middleware", or the module that applies it. algorithm: sliding_window (exact
# log, one entry per request), sliding_window_counter (its constant-memory approximation),
# fixed_window, token_bucket (core/ratelimit/algorithms/).
RATE_LIMIT_POLICIES = [
    {"name": "general", "description": "pages and API", "window": 60, "limit": 100,
     "algorithm": "sliding_window_counter", "fallback": True, "outage": "open"},
    {"name": "search", "description": "search", "window": 60, "limit": 100,
     "algorithm": "fixed_window", "paths": ["/search/", "/api/v1/search"], "outage": "open"},
    {"name": "expensive", "description": "exports, new bookmarks (metadata fetch), recommendation refresh",
     "window": 60, "limit": 20, "algorithm": "token_bucket", "outage": "local",
     "url_names": ["content:export_bookmarks", "content:export_archive", "content:bookmark_create",
                   "capture:share", "analytics:recommendations_refresh", "timetracking:export_csv"]},
    {"name": "uploads", "description": "file uploads, imports and marketplace copies", "window": 600,
     "limit": 10, "algorithm": "sliding_window", "methods": ["POST"], "outage": "local",
     "url_names": ["content:file_upload", "content:import_bookmarks", "content:import_archive",
                   "content:import_app", "marketplace:publish", "marketplace:add"],
     "paths": ["/api/v1/files"]},
    {"name": "password_reset", "description": "password reset requests", "window": 300, "limit": 5,
     "algorithm": "fixed_window", "identity": "ip", "paths": ["/accounts/password/reset/"],
     "methods": ["POST"], "outage": "local"},
    # Messaging budgets are per user and shared by both transports: the middleware spends them for the
    # HTTP views named here, messaging.limits for the same actions over the WebSocket.
    {"name": "messages", "description": "messages sent (HTTP and WebSocket)", "window": 60, "limit": 30,
     "algorithm": "token_bucket", "methods": ["POST"], "url_names": ["messaging:send"], "outage": "local"},
    {"name": "reactions", "description": "reactions added or removed (HTTP and WebSocket)", "window": 60,
     "limit": 60, "algorithm": "token_bucket", "methods": ["POST"], "url_names": ["messaging:react"],
     "outage": "local"},
    {"name": "typing", "description": "typing indicators (WebSocket)", "window": 60, "limit": 40,
     "algorithm": "token_bucket", "outage": "local", "enforced_by": "messaging.limits"},
    {"name": "login", "description": "login attempts", "window": LOGIN_ATTEMPTS_WINDOW_SECONDS,
     "limit": LOGIN_ATTEMPTS_LIMIT, "algorithm": "fixed_window", "identity": "ip_and_account",
     "outage": "local", "enforced_by": "accounts.login_throttle"},
    # Per-view limits: django-ratelimit's fixed windows on the state Redis (core.ratelimit.per_view),
    # applied by a decorator on each view named here (url_names document it; the middleware skips them).
    {"name": "two_factor", "description": "two-factor codes", "window": 300, "limit": 5,
     "algorithm": "fixed_window", "identity": "account_and_session", "outage": "local",
     "url_names": ["accounts:two_factor"], "methods": ["POST"], "enforced_by": "django-ratelimit"},
    {"name": "signup", "description": "sign-ups", "window": 3600, "limit": 5, "algorithm": "fixed_window",
     "identity": "ip", "outage": "local", "url_names": ["accounts:signup"], "methods": ["POST"],
     "enforced_by": "django-ratelimit"},
    {"name": "password_reset_email", "description": "password reset e-mails to one address",
     "window": 3600, "limit": 3, "algorithm": "fixed_window", "identity": "email", "outage": "local",
     "url_names": ["accounts:password_reset"], "methods": ["POST"], "enforced_by": "django-ratelimit"},
    {"name": "share_link", "description": "share links", "window": 60, "limit": 30,
     "algorithm": "fixed_window", "identity": "ip", "outage": "local",
     "url_names": ["content:share_page", "content:share_download", "content:collection_public"],
     "enforced_by": "django-ratelimit"},
]  # fmt: skip
# django-ratelimit (the per-view rows above): counters on the state Redis, under their own key prefix;
# a Redis error is handled by the row's outage mode, not by this library.
RATELIMIT_USE_CACHE = "state"
RATELIMIT_CACHE_PREFIX = VIEW_RATE_LIMIT_PREFIX
RATELIMIT_IP_META_KEY = "core.net.client_ip"  # for its own "ip" key, should a view use it directly
# Per-policy changes from the environment, e.g. '{"general": {"limit": 200}}' (a new name adds a policy).
RATE_LIMIT_POLICY_OVERRIDES = env.json("RATE_LIMIT_POLICIES_JSON", default={})
RATE_LIMIT_EXEMPT_PATHS = [STATIC_URL, "/healthz", "/readyz"]

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"without_traceback": {"()": "core.log_filters.WithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        # A request for a host not in ALLOWED_HOSTS is answered 400 and logged in one line.
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
    },
}

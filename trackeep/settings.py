"""Trackeep settings, read from the environment (django-environ).

``TRACKEEP_MODE=production`` turns on the deploy hardening and requires ``SECRET_KEY``; the default
``development`` mode runs on embedded defaults (SQLite in ``var/``, Redis at ``REDIS_URL``). Every
variable is listed in the README's configuration table.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from trackeep.redis_config import channel_layer, django_redis_cache, role_settings

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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "core",
    "accounts",
    "content",
    "search",
    "messaging",
    "analytics",
    "learning",
    "marketplace",
    "community",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.SnapshotAuthenticationMiddleware",
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
                "accounts.context_processors.signup",
                "messaging.context_processors.unread_counts",
            ],
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
# Circuit breaker: after this many consecutive failures a role's Redis is skipped for the period.
REDIS_BREAKER_FAILURES = env.int("REDIS_BREAKER_FAILURES", default=2)
REDIS_BREAKER_RESET_SECONDS = env.float("REDIS_BREAKER_RESET_SECONDS", default=10.0)

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

CHANNEL_LAYERS = {
    "default": channel_layer(REDIS_ROLES["channels"], prefix=REDIS_KEY_PREFIX)
    if REDIS_PUBSUB_ENABLED
    else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
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
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="none")
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
# Fetch a bookmarked page's title in the background when none was given (off: title from the URL).
CONTENT_FETCH_METADATA = env.bool("CONTENT_FETCH_METADATA", default=True)
CONTENT_FETCH_TIMEOUT_SECONDS = env.float("CONTENT_FETCH_TIMEOUT_SECONDS", default=3.0)
# Allow fetching pages on loopback/private addresses (off: a bookmark cannot probe the LAN).
CONTENT_FETCH_ALLOW_PRIVATE = env.bool("CONTENT_FETCH_ALLOW_PRIVATE", default=False)
# Request bodies: form fields (not files) up to 2.5 MiB; file parts above 2.5 MiB spool to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# --- Email -----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Trackeep <trackeep@localhost>")

# --- Security --------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
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
# limiter); enforced_by: "middleware", or the module that applies it.
RATE_LIMIT_POLICIES = [
    {"name": "general", "description": "pages and API", "window": 60, "limit": 100,
     "algorithm": "sliding_window", "fallback": True, "outage": "open"},
    {"name": "search", "description": "search", "window": 60, "limit": 100,
     "algorithm": "fixed_window", "paths": ["/search/"], "outage": "open"},
    # Add analytics' recommendation refresh here when that view exists (the check flags unknown names).
    {"name": "expensive", "description": "exports and bookmark creation (metadata fetch)",
     "window": 60, "limit": 20, "algorithm": "token_bucket", "outage": "local",
     "url_names": ["content:export_bookmarks", "content:export_archive", "content:bookmark_create"]},
    {"name": "uploads", "description": "file uploads, imports and marketplace copies", "window": 600,
     "limit": 10, "algorithm": "sliding_window", "methods": ["POST"], "outage": "local",
     "url_names": ["content:file_upload", "content:import_bookmarks", "content:import_archive",
                   "marketplace:publish", "marketplace:add"]},
    {"name": "password_reset", "description": "password reset requests", "window": 300, "limit": 5,
     "algorithm": "fixed_window", "identity": "ip", "paths": ["/accounts/password/reset/"],
     "methods": ["POST"], "outage": "local"},
    {"name": "login", "description": "login attempts", "window": LOGIN_ATTEMPTS_WINDOW_SECONDS,
     "limit": LOGIN_ATTEMPTS_LIMIT, "algorithm": "fixed_window", "identity": "ip_and_account",
     "outage": "local", "enforced_by": "accounts.login_throttle"},
]  # fmt: skip
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

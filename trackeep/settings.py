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
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

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
    "accounts.middleware.SessionActivityMiddleware",
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
REDIS_BREAKER_FAILURES = env.int("REDIS_BREAKER_FAILURES", default=3)
REDIS_BREAKER_RESET_SECONDS = env.float("REDIS_BREAKER_RESET_SECONDS", default=10.0)

_LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
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
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "core.redis"

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
ACCOUNT_SESSION_REMEMBER = None
# Login attempts are limited by our own atomic limiter on the state Redis (accounts.adapter).
ACCOUNT_RATE_LIMITS = {"login_failed": None}
LOGIN_ATTEMPTS_LIMIT = env.int("LOGIN_ATTEMPTS_LIMIT", default=5)
LOGIN_ATTEMPTS_WINDOW_SECONDS = env.int("LOGIN_ATTEMPTS_WINDOW_SECONDS", default=300)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Trackeep"
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

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
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # /healthz is probed over plain HTTP inside the compose network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}

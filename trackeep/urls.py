"""Root URL configuration: one include per app."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

import core.converters  # noqa: F401  (registers <dbid:> before any app URLconf)
from accounts import views as account_views
from analytics import views as analytics_views
from core import views as core_views
from core.prometheus import views as prometheus_views

# The admin logs in through allauth, so admin logins get the same throttling and 2FA.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Trackeep administration"

urlpatterns = [
    path("", analytics_views.home, name="home"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", prometheus_views.metrics, name="metrics"),
    path("setup/", account_views.setup, name="setup"),
    path("admin/ratelimit/", include("core.ratelimit.urls")),
    path("admin/redis/", include("core.redis_admin.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("content/", include("content.urls")),
    path("search/", include("search.urls")),
    path("messages/", include("messaging.urls")),
    path("analytics/", include("analytics.urls")),
    path("learning/", include("learning.urls")),
    path("habits/", include("habits.urls")),
    path("time/", include("timetracking.urls")),
    path("marketplace/", include("marketplace.urls")),
    path("community/", include("community.urls")),
    path("reader/", include("reader.urls")),
    path("", include("api.urls")),  # /api/v1/, /accounts/tokens/, /share/, /manifest.webmanifest
]

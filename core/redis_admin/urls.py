"""The admin's Redis page (mounted under ``admin/redis/`` by the root URLconf; staff only)."""

from django.contrib import admin
from django.urls import path

from core.redis_admin import views

app_name = "redisadmin"
urlpatterns = [
    path("", admin.site.admin_view(views.page), name="page"),
    path("invalidate/", admin.site.admin_view(views.invalidate_caches), name="invalidate"),
    path("sessions/", admin.site.admin_view(views.revoke_sessions), name="sessions"),
    path("ratelimits/", admin.site.admin_view(views.reset_rate_limits), name="ratelimits"),
]

"""The admin's rate-limit page (mounted under ``admin/ratelimit/`` by the root URLconf)."""

from django.contrib import admin
from django.urls import path

from core.ratelimit import views

app_name = "ratelimit"
urlpatterns = [
    path("", admin.site.admin_view(views.identity_limits), name="identity"),
]

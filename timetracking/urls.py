"""URL routes of time tracking (mounted at /time/)."""

from __future__ import annotations

from django.urls import path

import core.converters  # noqa: F401  (registers <dbid:>)
from timetracking import views

app_name = "timetracking"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("start/", views.start, name="start"),
    path("stop/", views.stop, name="stop"),
    path("week/", views.week, name="week"),
    path("entries/<dbid:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<dbid:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("export.csv", views.export_csv, name="export_csv"),
]

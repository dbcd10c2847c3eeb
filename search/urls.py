"""URL routes of the search app (mounted at /search/, the prefix the "search" rate limit matches)."""

from __future__ import annotations

from django.urls import path

import core.converters  # noqa: F401  (registers <dbid:>)
from search import views

app_name = "search"
urlpatterns = [
    path("", views.search_page, name="page"),
    path("quick/", views.quick, name="quick"),
    path("api/", views.api, name="api"),
    path("saved/", views.saved_list, name="saved"),
    path("saved/<dbid:pk>/", views.saved_run, name="saved_run"),
    path("saved/<dbid:pk>/delete/", views.saved_delete, name="saved_delete"),
]

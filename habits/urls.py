"""URL routes of the habits app (mounted at /habits/)."""

from __future__ import annotations

from django.urls import path

import core.converters  # noqa: F401  (registers <dbid:>)
from habits import views

app_name = "habits"
urlpatterns = [
    path("", views.habit_list, name="list"),
    path("new/", views.habit_create, name="create"),
    path("<dbid:pk>/", views.habit_detail, name="detail"),
    path("<dbid:pk>/edit/", views.habit_edit, name="edit"),
    path("<dbid:pk>/delete/", views.habit_delete, name="delete"),
    path("<dbid:pk>/check-in/", views.habit_check_in, name="check_in"),
]

"""URL routes of the learning app (mounted at /learning/)."""

from __future__ import annotations

from django.urls import path

import core.converters  # noqa: F401  (registers <dbid:>)
from learning import views

app_name = "learning"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("browse/", views.browse, name="browse"),
    path("mine/", views.my_learning, name="mine"),
    path("paths/new/", views.path_create, name="path_create"),
    path("paths/<dbid:pk>/", views.path_detail, name="path_detail"),
    path("paths/<dbid:pk>/edit/", views.path_edit, name="path_edit"),
    path("paths/<dbid:pk>/delete/", views.path_delete, name="path_delete"),
    path("paths/<dbid:pk>/feature/", views.path_feature, name="path_feature"),
    path("paths/<dbid:pk>/enrol/", views.enrol, name="enrol"),
    path("paths/<dbid:pk>/leave/", views.leave, name="leave"),
    path("paths/<dbid:pk>/rate/", views.rate, name="rate"),
    path("paths/<dbid:pk>/modules/new/", views.module_create, name="module_create"),
    path("modules/<dbid:pk>/", views.module_detail, name="module_detail"),
    path("modules/<dbid:pk>/edit/", views.module_edit, name="module_edit"),
    path("modules/<dbid:pk>/delete/", views.module_delete, name="module_delete"),
    path("modules/<dbid:pk>/move/", views.module_move, name="module_move"),
    path("modules/<dbid:pk>/done/", views.module_done, name="module_done"),
    path("modules/<dbid:pk>/resources/new/", views.resource_create, name="resource_create"),
    path("resources/<dbid:pk>/delete/", views.resource_delete, name="resource_delete"),
]

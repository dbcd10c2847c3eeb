"""URL routes of the marketplace app."""

from __future__ import annotations

from django.urls import path

from marketplace import views

app_name = "marketplace"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("mine/", views.mine, name="mine"),
    path("publish/", views.publish_start, name="publish_start"),
    path("publish/<slug:kind_key>/", views.publish, name="publish"),
    path("i/<dbid:pk>/", views.item_detail, name="item"),
    path("i/<dbid:pk>/add/", views.add, name="add"),
    path("i/<dbid:pk>/review/", views.review, name="review"),
    path("i/<dbid:pk>/review/delete/", views.review_delete, name="review_delete"),
    path("i/<dbid:pk>/edit/", views.edit, name="edit"),
    path("i/<dbid:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("i/<dbid:pk>/republish/", views.republish, name="republish"),
]

"""Reader URLs: /reader/bookmarks/<id>/ (the Read view) and its retry action."""

from django.urls import path

from reader import views

app_name = "reader"

urlpatterns = [
    path("bookmarks/<dbid:pk>/", views.read, name="read"),
    path("bookmarks/<dbid:pk>/retry/", views.retry, name="retry"),
]

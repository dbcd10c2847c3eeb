"""URL routes of the community app."""

from __future__ import annotations

from django.urls import path

from community import views

app_name = "community"
urlpatterns = [
    path("", views.feed, name="feed"),
    path("challenges/", views.challenges, name="challenges"),
    path("challenges/new/", views.challenge_create, name="challenge_create"),
    path("challenges/<dbid:pk>/", views.challenge_detail, name="challenge"),
    path("challenges/<dbid:pk>/board/", views.challenge_board, name="challenge_board"),
    path("challenges/<dbid:pk>/join/", views.challenge_join, name="challenge_join"),
    path("challenges/<dbid:pk>/leave/", views.challenge_leave, name="challenge_leave"),
    path("u/<str:username>/", views.profile, name="profile"),
    path("u/<str:username>/follow/", views.follow, name="follow"),
    path("u/<str:username>/unfollow/", views.unfollow, name="unfollow"),
    path("u/<str:username>/followers/", views.followers, name="followers"),
    path("u/<str:username>/following/", views.following, name="following"),
]

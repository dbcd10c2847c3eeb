"""URL routes of the analytics app (mounted at /analytics/; the home page is ``analytics.views.home``)."""

from __future__ import annotations

from django.urls import path

from analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.analytics_dashboard, name="dashboard"),
    path("recommendations/", views.recommendation_list, name="recommendations"),
    path("recommendations/refresh/", views.recommendation_refresh, name="recommendations_refresh"),
    path("recommendations/not-interested/", views.not_interested, name="not_interested"),
]

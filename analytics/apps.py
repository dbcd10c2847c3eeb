"""App config for analytics."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"

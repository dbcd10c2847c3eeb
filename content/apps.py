"""App config for content."""

from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"

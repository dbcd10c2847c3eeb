"""App config for habits."""

from django.apps import AppConfig


class HabitsConfig(AppConfig):
    name = "habits"

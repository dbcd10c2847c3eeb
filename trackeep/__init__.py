"""Trackeep project package: settings, URL routing, ASGI/WSGI entry points."""

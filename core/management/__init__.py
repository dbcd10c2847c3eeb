"""Maintenance commands of the platform layer (``manage.py redis_health``, ``cache_*``)."""

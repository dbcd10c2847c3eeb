"""Version 1 of the JSON API (django-ninja), mounted at ``/api/v1/``; see docs/api.md."""

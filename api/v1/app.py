"""The ``/api/v1/`` application: its routers, error bodies, OpenAPI document and reference page.

The reference page (``/api/v1/docs``) is django-ninja's Swagger UI, served from the copy of its
assets inside the django-ninja package (``ninja`` is in ``INSTALLED_APPS``, so its templates use
``{% static %}``, never a CDN).
"""

from __future__ import annotations

from ninja import NinjaAPI

from api.v1 import account, bookmarks, errors, files, notes, search, tags, tasks

DESCRIPTION = """Trackeep's JSON API. Authenticate every request with a personal API token
(create one on your *API and capture* page): `Authorization: Bearer tkp_…`.

Lists are newest first (tags: by name) and paged with a cursor: pass `next_cursor` back as `cursor`.
Every error has the body `{"error": {"code": "...", "message": "...", "fields": {...}}}`.
Requests count against your account's rate limit, shared with your browser sessions."""

api = NinjaAPI(
    title="Trackeep API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
)
errors.install(api)
api.add_router("/bookmarks", bookmarks.router)
api.add_router("/tasks", tasks.router)
api.add_router("/notes", notes.router)
api.add_router("/files", files.router)
api.add_router("/tags", tags.router)
api.add_router("/search", search.router)
api.add_router("/token", account.router)

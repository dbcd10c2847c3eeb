"""ASGI entry point: HTTP through Django, WebSockets through Channels.

Production serves HTTP from gunicorn (WSGI) and only ``/ws/`` from this application (Daphne); the
development server (``make run``) serves both from here. A Daphne process listens for system events
(core.system_events) from the moment it loads this module.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trackeep.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs the app registry)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from core.system_events import subscriber  # noqa: E402
from core.websocket_origin import SameOriginValidator  # noqa: E402
from trackeep.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

subscriber.start()

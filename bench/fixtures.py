"""What the load generator needs to know about the seeded data, printed as JSON.

Run inside the app's environment (``python -m bench.fixtures``, Django configured from it): the demo
usernames and their password, and for each user one direct conversation to post messages in.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def fixtures() -> dict[str, Any]:
    import django

    django.setup()
    from core.demo import DEMO_PASSWORD, demo_users
    from messaging.models import Conversation, Membership

    users = list(demo_users().values_list("pk", "username"))
    direct = {}
    for pk, username in users:
        membership = (
            Membership.objects.filter(user_id=pk, conversation__kind=Conversation.Kind.DIRECT)
            .order_by("conversation_id")
            .first()
        )
        if membership is not None:
            direct[username] = membership.conversation_id
    return {"users": [username for _, username in users], "password": DEMO_PASSWORD, "direct": direct}


if __name__ == "__main__":
    json.dump(fixtures(), sys.stdout)

"""Demo analytics for ``manage.py seed_demo``: derive each user's roll-up and Redis state.

The other generators insert in bulk, bypassing the services and their events, so this one (run
last) computes what the receivers would have: the activity roll-up in the seeding transaction,
and the streak hashes, today's habit counts and the running timer in Redis after the commit.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from analytics import rebuild
from analytics.models import COLUMNS, DailyActivity
from analytics.rollup import refresh, user_zone
from core import demo


@demo.register("analytics", order=90)
def generate(ctx: demo.DemoContext, user: Any, index: int) -> int:
    refresh(user.pk, COLUMNS, None, user_zone(user.pk))
    transaction.on_commit(lambda: rebuild.rebuild_user(user.pk, ("streaks", "redis_state")))
    return DailyActivity.objects.filter(user=user).count()

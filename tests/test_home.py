"""The home dashboard: counts and recent items, cached per user, invalidated by content writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content import services
from tests.factories import make_user
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db(transaction=True)  # content announces its writes after commit


def test_empty_home_invites_the_first_item() -> None:
    client = Client()
    client.force_login(make_user())
    page = client.get("/").content.decode()
    assert "Nothing here yet" in page and "import your browser" in page


def test_home_counts_and_lists_content_and_sees_new_writes() -> None:
    user = make_user()
    services.create_bookmark(user, url="https://example.com/", title="Example site")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    services.create_task(user, title="Pay the rent", due_date=yesterday)
    client = Client()
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "Example site" in page and "Pay the rent" in page
    assert "1</strong> open task<" in page and "1 overdue" in page
    services.create_note(user, title="Fresh idea")
    assert "Fresh idea" in client.get("/").content.decode()


def test_warm_home_page_needs_no_query_and_three_redis_round_trips(
    private_redis_roles: RedisProcess, round_trips: Callable[[], Any]
) -> None:
    user = make_user()
    services.create_note(user, title="Cached note")
    client = Client()
    client.force_login(user)
    client.get("/")
    stats = redis.Redis(port=private_redis_roles.port)
    before = stats.info("commandstats")
    with CaptureQueriesContext(connection) as queries, round_trips() as sent:
        page = client.get("/")
    after = stats.info("commandstats")
    assert "Cached note" in page.content.decode()
    assert len(queries) == 0, [q["sql"] for q in queries]

    def calls(command: str) -> int:
        return int(after.get(f"cmdstat_{command}", {}).get("calls", 0)) - int(
            before.get(f"cmdstat_{command}", {}).get("calls", 0)
        )

    # Round trips: the session GET; the rate-limit EVALSHA with the bell's HGETALL riding along; the
    # dashboard EVALSHA. (INFO counts commands run inside scripts too: the rate-limit script GETs and
    # SETs its state, the dashboard script GETs its counter and entry.)
    assert len(sent) == 3
    assert calls("evalsha") == 2
    assert calls("hgetall") == 1  # prefetched in the rate-limit pipeline: no round trip of its own
    assert calls("get") == 1 + 1 + 2
    assert calls("set") == 1  # the rate limit counting the request; the page writes nothing


def test_pages_work_with_no_cache_at_all(settings: Any) -> None:
    """``REDIS_CACHE_FALLBACK=none`` (the "before Redis" baseline): everything is computed each time."""
    caches = dict(settings.CACHES)
    caches["default"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    settings.CACHES = caches
    user = make_user(full_name="Nell Cache")
    client = Client()
    client.force_login(user)
    services.create_note(user, title="Uncached note")
    assert "Uncached note" in client.get("/").content.decode()
    assert b"Nell Cache" in client.get("/accounts/profile/").content
    found = client.get("/search/api/", {"q": "uncached"}).json()
    assert [hit["title"] for hit in found["hits"]] == ["Uncached note"] and not found["cached"]
    assert not client.get("/search/api/", {"q": "uncached"}).json()["cached"]


def test_two_concurrent_cold_dashboards_compute_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time

    from analytics import selectors

    user = make_user()
    services.create_task(user, title="Counted once")
    real = selectors.compute_home
    computed: list[int] = []

    def slow_compute(user_id: int, today: dt.date) -> dict[str, Any]:
        computed.append(user_id)
        time.sleep(0.3)  # long enough for the second request to arrive while this one computes
        return real(user_id, today)

    monkeypatch.setattr(selectors, "compute_home", slow_compute)
    barrier = threading.Barrier(2)
    pages: list[int] = []

    def cold_request() -> None:
        barrier.wait()
        pages.append(selectors.home_dashboard(user.pk).value["tasks"]["total"])

    threads = [threading.Thread(target=cold_request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert computed == [user.pk]
    assert pages == [1, 1]

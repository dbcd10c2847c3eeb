"""Cached search results: one Redis round trip and no query when repeated, invalidated by content
writes, per user, seeded from the clock, and fail-soft without Redis."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from redis.crc import key_slot

from core.redis import keys, ttl
from core.redis.breaker import reset_all_breakers
from core.redis.client import get_client
from search import selectors
from search.caches import SEARCH
from search.query import SearchParams, words
from tests.search.conftest import Writer
from tools.redis_process import free_port

QUOKKA = SearchParams(terms=words("quokka"))


def titles(result: dict[str, Any]) -> list[str]:
    return [hit["title"] for hit in result["hits"]]


def entry_key(user_id: int, params: SearchParams) -> str:
    key = keys.family_entry_cache_key("search", user_id, SEARCH.generation(user_id), [params.digest()])
    return str(caches["default"].make_key(key))


def test_a_repeated_search_is_one_redis_round_trip_and_no_query(
    owner: Any, write: Writer, round_trips: Callable[[], Any]
) -> None:
    write.note(owner, "Quokka facts")
    first = selectors.search(owner.pk, QUOKKA)
    assert not first["cached"]
    with CaptureQueriesContext(connection) as queries, round_trips() as sent:
        second = selectors.search(owner.pk, QUOKKA)
    assert len(queries) == 0
    assert len(sent) == 1 and sent[0].split(b"\r\n")[2] == b"EVALSHA"
    assert second["cached"] and second["hits"] == first["hits"] and titles(second) == ["Quokka facts"]
    assert 0 < get_client("cache").ttl(entry_key(owner.pk, QUOKKA)) <= ttl.SEARCH_RESULTS


def test_a_new_matching_note_shows_up_in_the_next_identical_search(owner: Any, write: Writer) -> None:
    write.note(owner, "Quokka facts")
    assert titles(selectors.search(owner.pk, QUOKKA)) == ["Quokka facts"]
    assert selectors.search(owner.pk, QUOKKA)["cached"]
    write.note(owner, "Quokka sightings")
    after = selectors.search(owner.pk, QUOKKA)
    assert not after["cached"] and sorted(titles(after)) == ["Quokka facts", "Quokka sightings"]


def test_users_never_see_each_others_results_cached_or_not(owner: Any, stranger: Any, write: Writer) -> None:
    write.note(owner, "Quokka mine")
    write.note(stranger, "Quokka theirs")
    for _ in range(2):
        assert titles(selectors.search(owner.pk, QUOKKA)) == ["Quokka mine"]
        assert titles(selectors.search(stranger.pk, QUOKKA)) == ["Quokka theirs"]


def test_the_counter_and_the_entry_share_one_cluster_slot(owner: Any) -> None:
    counter = caches["default"].make_key(keys.generation_cache_key("search", owner.pk))
    assert key_slot(counter.encode()) == key_slot(entry_key(owner.pk, QUOKKA).encode())


def test_a_missing_counter_is_seeded_from_the_clock(owner: Any, write: Writer) -> None:
    write.note(owner, "Quokka facts")
    counter = caches["default"].make_key(keys.generation_cache_key("search", owner.pk))
    get_client("cache").delete(counter)  # evicted or flushed
    before = int(time.time() * 1000)
    selectors.search(owner.pk, QUOKKA)
    seeded = SEARCH.generation(owner.pk)
    assert before <= seeded <= int(time.time() * 1000)
    assert 0 < get_client("cache").ttl(counter) <= ttl.GENERATION
    assert selectors.search(owner.pk, QUOKKA)["cached"]


def test_bumping_the_generation_invalidates_cached_results(owner: Any, write: Writer) -> None:
    write.note(owner, "Quokka facts")
    selectors.search(owner.pk, QUOKKA)
    SEARCH.invalidate(owner.pk)
    assert not selectors.search(owner.pk, QUOKKA)["cached"]


def test_an_unreadable_entry_is_recomputed_and_replaced(owner: Any, write: Writer) -> None:
    write.note(owner, "Quokka facts")
    selectors.search(owner.pk, QUOKKA)
    get_client("cache").set(entry_key(owner.pk, QUOKKA), b"\xc1 not msgpack")
    assert titles(selectors.search(owner.pk, QUOKKA)) == ["Quokka facts"]
    assert selectors.search(owner.pk, QUOKKA)["cached"]


def test_without_the_redis_cache_results_are_cached_locally(
    settings: Any, owner: Any, write: Writer, round_trips: Callable[[], Any]
) -> None:
    write.note(owner, "Quokka facts")
    local = copy.deepcopy(settings.CACHES)
    local["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "search-test"}
    settings.CACHES = local
    with round_trips() as sent:
        assert not selectors.search(owner.pk, QUOKKA)["cached"]
        with CaptureQueriesContext(connection) as queries:
            again = selectors.search(owner.pk, QUOKKA)
    assert again["cached"] and titles(again) == ["Quokka facts"] and len(queries) == 0
    assert sent == []
    SEARCH.invalidate(owner.pk)
    assert not selectors.search(owner.pk, QUOKKA)["cached"]


def test_with_redis_down_every_search_is_computed_fresh(settings: Any, owner: Any, write: Writer) -> None:
    write.note(owner, "Quokka facts")
    dead = copy.deepcopy(settings.CACHES)
    dead["default"]["LOCATION"] = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = dead
    reset_all_breakers()
    for _ in range(settings.REDIS_BREAKER_FAILURES + 2):  # past the point where the breaker opens
        result = selectors.search(owner.pk, QUOKKA)
        assert not result["cached"] and titles(result) == ["Quokka facts"]


def test_the_script_reads_the_counter_invalidate_increments(owner: Any, write: Writer) -> None:
    write.note(owner, "Quokka facts")
    selectors.search(owner.pk, QUOKKA)
    before = SEARCH.generation(owner.pk)
    write.note(owner, "Unrelated")  # one bump per write, after the index receiver has run
    assert SEARCH.generation(owner.pk) == before + 1
    assert not selectors.search(owner.pk, QUOKKA)["cached"]

"""The marketplace's sorted sets on a real Redis, with the clock moved by the test: trending over the
last 24 hours, one counted view per viewer and hour, the Bayesian top-rated order, downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core.redis import keys
from core.redis.client import get_client
from marketplace import rankings, selectors, services
from marketplace.models import Item, ViewHour
from marketplace.rating import CONFIDENCE, PRIOR_MEAN, bayesian_score
from tests.factories import make_user
from tests.marketplace.conftest import Clock

pytestmark = pytest.mark.django_db


def view(item: Item, viewers: list[Any], clock: Clock) -> None:
    for viewer in viewers:
        services.record_view(item, viewer.pk, clock=clock)


def trending_ids(clock: Clock) -> list[int]:
    return rankings.trending(0, 99, clock).ids


def test_trending_reflects_only_the_last_24_hours(clock: Clock, publish_note: Callable[..., Item]) -> None:
    author = make_user()
    old, yesterday, recent = (publish_note(author, title=t) for t in ("old", "yesterday", "recent"))
    readers = [make_user() for _ in range(3)]
    start = clock.now
    clock.advance(hours=-24)  # the hour 24 hours ago: just outside the union
    view(old, readers, clock)
    clock.now = start
    clock.advance(hours=-23)  # the oldest hour inside it
    view(yesterday, readers[:2], clock)
    clock.now = start
    view(recent, readers[:1], clock)

    found = rankings.trending(0, 9, clock)
    assert found.ids == [yesterday.pk, recent.pk]
    assert found.scores == [2.0, 1.0]
    assert found.total == 2

    clock.advance(hours=1)  # "yesterday"'s hour has left the window
    assert trending_ids(clock) == [recent.pk]
    clock.advance(hours=23)
    assert trending_ids(clock) == []


def test_trending_is_rebuilt_at_most_once_a_minute(clock: Clock, publish_note: Callable[..., Item]) -> None:
    author, reader = make_user(), make_user()
    first, second = publish_note(author, title="first"), publish_note(author, title="second")
    view(first, [reader], clock)
    assert trending_ids(clock) == [first.pk]
    clock.advance(seconds=20)
    view(second, [reader], clock)
    assert trending_ids(clock) == [first.pk]  # the union built this minute is served as it is
    clock.advance(seconds=40)  # the next clock minute
    assert set(trending_ids(clock)) == {first.pk, second.pk}


def test_repeated_views_by_one_viewer_in_one_hour_count_once(
    clock: Clock, publish_note: Callable[..., Item]
) -> None:
    author, reader, other = make_user(), make_user(), make_user()
    item = publish_note(author)
    counted = [services.record_view(item, reader.pk, clock=clock) for _ in range(5)]
    assert counted == [True, False, False, False, False]
    assert services.record_view(item, other.pk, clock=clock) is True
    assert services.record_view(item, author.pk, clock=clock) is False  # authors do not count
    clock.advance(hours=1)
    assert services.record_view(item, reader.pk, clock=clock) is True  # a new hour counts again

    state = get_client("state")
    assert state.zscore(keys.marketplace_views_bucket(rankings.hour_of(clock.now) - 1), item.pk) == 2
    assert state.zscore(keys.marketplace_views_bucket(rankings.hour_of(clock.now)), item.pk) == 1
    assert 0 < state.ttl(keys.marketplace_views_bucket(rankings.hour_of(clock.now))) <= 25 * 3600
    # The database keeps the same counts, so Redis can be rebuilt.
    hours = dict(ViewHour.objects.filter(item=item).values_list("hour", "count"))
    assert hours == {rankings.hour_of(clock.now) - 1: 2, rankings.hour_of(clock.now): 1}
    item.refresh_from_db()
    assert item.view_count == 3


def test_views_of_unpublished_items_are_not_counted(clock: Clock, publish_note: Callable[..., Item]) -> None:
    item = publish_note(make_user())
    services.withdraw(item)
    assert services.record_view(item, make_user().pk, clock=clock) is False
    assert not ViewHour.objects.exists()


def review(item: Item, stars: list[int]) -> None:
    for value in stars:
        services.save_review(make_user(), item, stars=value, text="")


def test_top_rated_order_follows_the_documented_formula(publish_note: Callable[..., Item]) -> None:
    author = make_user()
    one_five = publish_note(author, title="one five")
    many_good = publish_note(author, title="many 4.8")
    some_fours = publish_note(author, title="ten fours")
    unrated = publish_note(author, title="unrated")
    review(one_five, [5])
    review(many_good, [5] * 40 + [4] * 10)  # 50 reviews averaging 4.8
    review(some_fours, [4] * 10)

    expected = {
        one_five.pk: (CONFIDENCE * PRIOR_MEAN + 5) / (CONFIDENCE + 1),
        many_good.pk: (CONFIDENCE * PRIOR_MEAN + 240) / (CONFIDENCE + 50),
        some_fours.pk: (CONFIDENCE * PRIOR_MEAN + 40) / (CONFIDENCE + 10),
        unrated.pk: PRIOR_MEAN,
    }
    found = rankings.top_rated(0, 9)
    assert found.ids == sorted(expected, key=expected.__getitem__, reverse=True)
    assert found.ids[0] == many_good.pk and found.ids.index(many_good.pk) < found.ids.index(one_five.pk)
    assert found.scores == pytest.approx(sorted(expected.values(), reverse=True))
    item = Item.objects.get(pk=many_good.pk)
    assert (item.rating_count, item.rating_sum) == (50, 240)
    assert item.rating_score == pytest.approx(bayesian_score(240, 50))


def test_an_edited_review_rescores_and_one_review_per_user(publish_note: Callable[..., Item]) -> None:
    item, reader = publish_note(make_user()), make_user()
    services.save_review(reader, item, stars=1, text="meh")
    services.save_review(reader, item, stars=5, text="changed my mind")
    item.refresh_from_db()
    assert (item.rating_count, item.rating_sum) == (1, 5)
    assert get_client("state").zscore(keys.marketplace_top_rated(), item.pk) == pytest.approx(
        bayesian_score(5, 1)
    )
    services.delete_review(reader, item)
    assert get_client("state").zscore(keys.marketplace_top_rated(), item.pk) == pytest.approx(PRIOR_MEAN)
    with pytest.raises(services.MarketplaceError):
        services.save_review(item.author, item, stars=5, text="my own")


def test_withdrawn_items_leave_the_rankings(
    clock: Clock, publish_note: Callable[..., Item], committed: Callable[[], Any]
) -> None:
    item = publish_note(make_user())
    view(item, [make_user()], clock)
    assert trending_ids(clock) == [item.pk]
    with committed():
        services.withdraw(item)
    state = get_client("state")
    assert state.zscore(keys.marketplace_top_rated(), item.pk) is None
    assert state.zscore(keys.marketplace_downloads(), item.pk) is None
    page = selectors.browse(selectors.BrowseFilters(sort="trending"), clock=clock)
    assert list(page.object_list) == []


def test_browsing_a_ranking_reads_one_redis_round_trip(
    clock: Clock,
    publish_note: Callable[..., Item],
    round_trips: Callable[[], Any],
    django_assert_num_queries: Any,
) -> None:
    author = make_user()
    items = [publish_note(author, title=f"item {n}") for n in range(3)]
    for n, item in enumerate(items):
        view(item, [make_user() for _ in range(n + 1)], clock)
    for sort in ("trending", "top_rated", "downloads"):
        with round_trips() as sent, django_assert_num_queries(2):  # the rows, their tags
            page = selectors.browse(selectors.BrowseFilters(sort=sort), clock=clock)
        assert len(sent) == 1, sort
        assert page.paginator.count == 3
    page = selectors.browse(selectors.BrowseFilters(sort="trending"), clock=clock)
    assert [item.pk for item in page.object_list] == [items[2].pk, items[1].pk, items[0].pk]


def test_a_narrowed_or_redisless_browse_orders_in_the_database_the_same_way(
    clock: Clock, publish_note: Callable[..., Item], settings: Any
) -> None:
    author = make_user()
    items = [publish_note(author, title=f"guide {n}", category="writing") for n in range(3)]
    for n, item in enumerate(items):
        view(item, [make_user() for _ in range(n + 1)], clock)
    redis_order = [i.pk for i in selectors.browse(selectors.BrowseFilters(sort="trending"), clock=clock)]
    narrowed = selectors.browse(selectors.BrowseFilters(sort="trending", category="writing"), clock=clock)
    assert [i.pk for i in narrowed] == redis_order
    assert [i.recent_views for i in narrowed] == [3, 2, 1]

    from tests.redis_support import point_roles_at
    from tools.redis_process import free_port

    point_roles_at(settings, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    offline = selectors.browse(selectors.BrowseFilters(sort="trending"), clock=clock)
    assert [i.pk for i in offline] == redis_order

"""Marketplace items in the user's recommendations: scored from the user's tags, popular ones too,
never the user's own, added, withdrawn or dismissed ones; adding an item bumps the cached suggestions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from analytics import recommendations
from analytics.caches import RECOMMENDATIONS
from content import services as content_services
from marketplace import services
from marketplace.models import Item
from tests.factories import make_user, signed_in

pytestmark = pytest.mark.django_db


def items_for(user: Any) -> list[dict[str, Any]]:
    [section] = [s for s in recommendations.compute(user.pk)["sections"] if s["key"] == "items"]
    return section["suggestions"]


def test_items_follow_the_users_tags_and_not_interested_is_respected(
    publish_note: Callable[..., Item], committed: Callable[[], Any]
) -> None:
    user, author, fan = make_user(), make_user(), make_user()
    with committed():
        content_services.create_note(user, title="Notes", tags=["python"])
        content_services.create_task(user, title="Task", tags=["python", "testing"])
    matching = publish_note(author, "Python testing kit", tags=["Python", "testing"])
    partial = publish_note(author, "Python and baking", tags=["python", "baking"])
    popular = publish_note(author, "Weekly review", tags=["planning"])
    unrelated = publish_note(author, "Bread", tags=["baking"])
    own = publish_note(user, "My python notes", tags=["python"])
    gone = publish_note(author, "Withdrawn python", tags=["python"])
    with committed():
        services.add_to_trackeep(fan, popular)
        services.withdraw(gone)

    found = items_for(user)
    assert [s["id"] for s in found] == [matching.pk, partial.pk, popular.pk]
    assert found[0]["reasons"] == ["Matches your tags: python, testing"]
    assert found[0]["url"] == f"/marketplace/i/{matching.pk}/"
    assert found[2]["reasons"] == ["Added by 1 person"]
    assert not {unrelated.pk, own.pk, gone.pk} & {s["id"] for s in found}

    client = signed_in(user)
    page = client.get("/analytics/recommendations/").content.decode()
    assert "From the marketplace" in page and "Python testing kit" in page
    with committed():
        response = client.post(
            "/analytics/recommendations/not-interested/", {"kind": "item", "id": str(matching.pk)}
        )
    assert response.status_code == 302
    assert "Python testing kit" not in client.get("/analytics/recommendations/").content.decode()
    assert matching.pk not in [s["id"] for s in items_for(user)]


def test_adding_an_item_bumps_the_cached_suggestions_and_drops_it(
    publish_note: Callable[..., Item], committed: Callable[[], Any]
) -> None:
    user, author = make_user(), make_user()
    with committed():
        content_services.create_note(user, title="Notes", tags=["go"])
    wanted = publish_note(author, "Go handbook", tags=["go"])
    [section] = [s for s in recommendations.recommendations(user.pk)["sections"] if s["key"] == "items"]
    assert [s["id"] for s in section["suggestions"]] == [wanted.pk]
    generation = RECOMMENDATIONS.generation(user.pk)
    with committed():
        services.add_to_trackeep(user, wanted)
    assert RECOMMENDATIONS.generation(user.pk) > generation
    assert items_for(user) == []
    # Nothing left to suggest: an empty section with its hint.
    fragment = signed_in(user).get("/analytics/recommendations/", HTTP_HX_REQUEST="true").content.decode()
    assert "No marketplace item to suggest yet" in fragment and "Go handbook" not in fragment
    # Someone else now sees it as popular (one download), though no tag of theirs matches.
    assert [(s["id"], s["reasons"]) for s in items_for(make_user())] == [(wanted.pk, ["Added by 1 person"])]

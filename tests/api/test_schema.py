"""The OpenAPI document is valid, its reference page is served from vendored assets, and requests
generated from it (schemathesis: valid and invalid data for every operation) never get a 500."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from openapi_spec_validator import validate
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.v1.app import api
from content import services

pytestmark = pytest.mark.django_db
# Valid and invalid data for every operation, bounded so the sweep takes seconds. Schemathesis's
# "coverage" phase (hundreds of boundary cases per operation) is left to manual runs.
EXAMPLES_PER_OPERATION = 10  # bounded: the whole sweep takes seconds

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.config.phases.coverage.enabled = False


def test_the_openapi_document_is_valid_and_served(owner: Any) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["components"]["securitySchemes"] == {"TokenBearer": {"type": "http", "scheme": "bearer"}}
    operation = document["paths"]["/api/v1/bookmarks/save"]["post"]
    assert operation["x-required-scope"] == "bookmarks:write"
    assert "422" in operation["responses"] and "401" in operation["responses"]


def test_the_reference_page_uses_only_assets_served_here(owner: Any) -> None:
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and not [url for url in assets if "//" in url]  # nothing from another host
    for url in assets:
        assert Client().get(url).status_code == 200, url


@pytest.fixture
def target(owner: Any, token_for: Callable[..., str], settings: Any) -> Iterator[dict[str, Any]]:
    """The app (built after the settings change, like a freshly started server) and the headers
    of a token with every scope; some content to find, and a limit the sweep stays under.

    As Django's test client does, requests do not close the database connection when they end: it
    holds the test's transaction."""
    settings.RATE_LIMIT_POLICIES = [
        {"name": "general", "limit": 100_000, "window": 60, "algorithm": "fixed_window", "fallback": True}
    ]
    settings.RATE_LIMIT_POLICY_OVERRIDES = {}
    services.create_bookmark(owner, url="https://example.com/", title="First", tags=["one"])
    services.create_task(owner, title="First task")
    services.create_note(owner, title="First note")
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"app": WSGIHandler(), "headers": {"Authorization": f"Bearer {token_for(owner)}"}}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_never_break_the_api(case: Any, target: dict[str, Any]) -> None:
    case.call_and_validate(
        **target,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )

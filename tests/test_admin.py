"""The admin as an operator meets it: one Accounts section, the rate-limit page linked from the
index, and the same light/dark theme as the rest of Trackeep."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.browser_support import browser_marks, chromium, signed_in_page
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def test_one_accounts_section_with_users_addresses_and_two_factor(admin_client: Client) -> None:
    apps = {app["name"]: app for app in admin_client.get(reverse("admin:index")).context["app_list"]}
    assert list(apps).count("Accounts") == 1
    names = {model["object_name"] for model in apps["Accounts"]["models"]}
    assert {"User", "EmailAddress", "Authenticator", "Session", "SiteSettings"} <= names
    assert "MFA" not in apps


def test_rate_limits_are_linked_from_the_admin_index(admin_client: Client) -> None:
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("ratelimit:identity")}"' in page
    assert admin_client.get(reverse("ratelimit:identity")).status_code == 200


def in_a_browser(test: Any) -> Any:
    for mark in browser_marks:
        test = mark(test)
    return test


@in_a_browser
def test_the_admin_follows_the_theme_picked_in_the_app(live_server: Any, transactional_db: None) -> None:
    admin = make_user(is_staff=True, is_superuser=True)
    with chromium() as browser:
        page = signed_in_page(browser, live_server.url, admin, color_scheme="light")
        page.goto(f"{live_server.url}/")
        page.click("[data-theme-toggle]")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        page.goto(f"{live_server.url}/admin/")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background != "rgb(255, 255, 255)"  # the admin's own dark palette is on

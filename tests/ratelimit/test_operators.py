"""Operator tools: ``manage.py ratelimit``, the admin page and user actions, and the system check."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from core.ratelimit.checks import check_rate_limit_policies
from core.redis import keys
from core.redis.client import get_client
from tests.factories import make_user
from tests.ratelimit.conftest import default_rows, row

pytestmark = pytest.mark.django_db
MISSING_PAGE = "/no-such-page/"


def run(*args: str) -> str:
    out = StringIO()
    call_command("ratelimit", *args, stdout=out)
    return out.getvalue()


def usage_line(output: str, policy: str) -> list[str]:
    return next(line.split() for line in output.splitlines() if line.startswith(policy + " "))


@pytest.fixture
def busy_user(settings: Any) -> Any:
    """A user who spent 3 general requests and 2 login attempts, from 192.0.2.7."""
    settings.RATE_LIMIT_POLICIES = default_rows()
    user = make_user()
    client = Client(REMOTE_ADDR="192.0.2.7")
    client.force_login(user)
    for _ in range(3):
        client.get(MISSING_PAGE)
    for _ in range(2):
        Client(REMOTE_ADDR="192.0.2.7").post(reverse("account_login"), {"login": user.email, "password": "x"})
    return user


def test_policies_lists_every_limit() -> None:
    output = run("policies")
    for name in ("general", "search", "expensive", "uploads", "password_reset", "login"):
        assert name in output
    assert "(applied by accounts.login_throttle)" in output


def test_show_and_reset_a_user(busy_user: Any) -> None:
    shown = run("show", "--user", str(busy_user.pk))
    assert usage_line(shown, "general")[1:5] == [f"user:{busy_user.pk}", "100", "3", "97"]
    login = {line.split()[1]: line.split()[3] for line in shown.splitlines() if line.startswith("login ")}
    assert login == {f"account:{busy_user.email}": "2", f"account:{busy_user.username}": "0"}
    assert "active budget(s) deleted" in run("reset", "--user", str(busy_user.pk))
    after = run("show", "--user", str(busy_user.pk))
    assert usage_line(after, "general")[3] == "0"
    assert all(line.split()[3] == "0" for line in after.splitlines() if line.startswith("login "))


def test_show_takes_an_address_in_any_spelling(busy_user: Any) -> None:
    assert "Rate limits of address ::1" in run("show", "--ip", "0:0::1")
    assert usage_line(run("show", "--ip", " 192.0.2.7 "), "login")[1:4] == ["ip:192.0.2.7", "5", "2"]


def test_show_and_reset_an_address_for_one_policy(busy_user: Any) -> None:
    assert usage_line(run("show", "--ip", "192.0.2.7"), "login")[1:4] == ["ip:192.0.2.7", "5", "2"]
    run("reset", "--ip", "192.0.2.7", "--policy", "login")
    assert usage_line(run("show", "--ip", "192.0.2.7"), "login")[3] == "0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show",), "Give --user ID or --ip ADDR"),
        (("show", "--user", "999999"), "No user with id 999999"),
        (("reset", "--ip", "192.0.2.1", "--policy", "nope"), "No policy 'nope'"),
        (("show", "--ip", "not-an-ip"), "argument --ip: 'not-an-ip' is not an IP address"),
        (("reset", "--ip", "192.0.2.300"), "argument --ip: '192.0.2.300' is not an IP address"),
        (("show", "--user", "0"), "argument --user: must be at least 1, not 0"),
        (("show", "--user", "-3"), "argument --user: must be at least 1, not -3"),
        (("show", "--user", "alice"), "argument --user: 'alice' is not a whole number"),
    ],
)
def test_bad_input_is_a_clear_error(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_admin_page_shows_and_resets_a_user(busy_user: Any) -> None:
    admin = make_user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("ratelimit:identity"), {"user": busy_user.pk})
    assert page.status_code == 200
    usages = {(u.policy.name, u.identity): u.used for u in page.context["usages"]}
    assert usages["general", f"user:{busy_user.pk}"] == 3
    reset = client.post(f"{reverse('ratelimit:identity')}?user={busy_user.pk}")
    assert reset.status_code == 302
    page = client.get(reverse("ratelimit:identity"), {"user": busy_user.pk})
    assert all(u.used == 0 for u in page.context["usages"])


@pytest.mark.parametrize("query", [{"user": "999999"}, {"user": "1", "ip": "192.0.2.1"}, {"ip": "not-an-ip"}])
def test_admin_page_rejects_bad_input_with_form_errors(query: dict[str, str]) -> None:
    admin = make_user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("ratelimit:identity"), query)
    assert page.status_code == 200
    assert page.context["form"].errors
    assert "usages" not in page.context


def test_admin_page_is_for_staff_only() -> None:
    client = Client()
    client.force_login(make_user())
    assert client.get(reverse("ratelimit:identity")).status_code == 302  # to the admin login


def test_user_admin_actions_show_and_reset(busy_user: Any, redis_key_prefix: str) -> None:
    admin = make_user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    changelist = reverse("admin:accounts_user_changelist")
    shown = client.post(changelist, {"action": "show_rate_limits", "_selected_action": [busy_user.pk]})
    assert shown.status_code == 302
    assert shown["Location"] == f"{reverse('ratelimit:identity')}?user={busy_user.pk}"
    client.post(changelist, {"action": "reset_rate_limits", "_selected_action": [busy_user.pk]})
    page = client.get(reverse("ratelimit:identity"), {"user": busy_user.pk})
    assert all(u.used == 0 for u in page.context["usages"])
    address_budget = keys.rate_limit("login", "ip:192.0.2.7", "count")
    assert get_client("state").exists(address_budget) == 1  # the address's own budget is not the user's


def test_system_check_warns_about_unknown_url_names(settings: Any) -> None:
    settings.RATE_LIMIT_POLICIES = [
        row(name="login"),
        row(name="known", url_names=["account_login"], fallback=False),
        row(name="typo", url_names=["accounts:no_such_view"], fallback=False),
    ]
    warnings = check_rate_limit_policies(None)
    assert [w.id for w in warnings] == ["trackeep.W010"]
    assert "accounts:no_such_view" in warnings[0].msg


def test_system_check_reports_malformed_policies(settings: Any) -> None:
    settings.RATE_LIMIT_POLICIES = [row(name="bad", limit=0, algorithm="leaky")]
    (error,) = check_rate_limit_policies(None)
    assert error.id == "trackeep.E010"
    assert "limit must be a positive integer" in error.msg
    assert "algorithm must be one of" in error.msg


def test_system_check_warns_about_sliding_logs_too_large_for_the_compact_encoding(settings: Any) -> None:
    settings.RATE_LIMIT_POLICIES = [
        row(name="login", limit=128),
        row(name="big", limit=129, fallback=False),
    ]
    (warning,) = check_rate_limit_policies(None)
    assert warning.id == "trackeep.W011"
    assert "'big'" in warning.msg


def test_system_check_requires_the_login_policy(settings: Any) -> None:
    settings.RATE_LIMIT_POLICIES = default_rows()
    assert not [problem for problem in check_rate_limit_policies(None) if problem.is_serious()]
    settings.RATE_LIMIT_POLICIES = [r for r in default_rows() if r["name"] != "login"]
    serious = [problem.id for problem in check_rate_limit_policies(None) if problem.is_serious()]
    assert serious == ["trackeep.E011"]

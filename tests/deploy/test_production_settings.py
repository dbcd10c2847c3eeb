"""Production settings, each in a fresh ``manage.py`` process (settings are read once per process)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.deploy.compose import ROOT
from tests.deploy.production import production_env

pytestmark = pytest.mark.slow


def _local_dotenv() -> str:
    path = ROOT / ".env"
    return path.read_text() if path.exists() else ""


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_still_flags_a_weak_secret_key() -> None:
    """The clean report above is earned, not silenced: a bad setting still fails the same command."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(SECRET_KEY="short"))
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.parametrize("secret_key", [None, ""], ids=["unset", "empty"])
def test_production_refuses_to_start_without_secret_key(secret_key: str | None) -> None:
    env = production_env()
    del env["SECRET_KEY"]
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    elif "SECRET_KEY" in _local_dotenv():
        pytest.skip("the settings would read SECRET_KEY from the local .env")
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr

"""docker-compose.yml's job services, read as configuration (tests/deploy covers the rest)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.deploy.compose import interpolate, load_compose

ENV = {
    "SECRET_KEY": "s" * 50,
    "ALLOWED_HOSTS": "example.com",
    "POSTGRES_PASSWORD": "pg",
    "REDIS_PASSWORD": "rp",
}


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    return dict(load_compose()["services"])


@pytest.mark.parametrize(("service", "command"), [("worker", "jobs_worker"), ("scheduler", "jobs_scheduler")])
def test_job_services_run_the_app_image_on_the_state_redis(
    services: dict[str, dict[str, Any]], service: str, command: str
) -> None:
    job_service, web = services[service], services["web"]
    assert (job_service["build"], job_service["image"]) == (web["build"], web["image"])
    assert job_service["command"] == ["python", "manage.py", command]
    env = {name: interpolate(str(value), ENV) for name, value in job_service["environment"].items()}
    assert env["REDIS_STATE_URL"] == "redis://trackeep:rp@redis-state:6379/0"
    assert env["TRACKEEP_MODE"] == "production"
    assert job_service["depends_on"]["redis-state"] == {"condition": "service_healthy"}
    assert job_service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert job_service["healthcheck"]["test"][:5] == ["CMD", "python", "manage.py", "jobs_health", service]


def test_there_is_one_scheduler(services: dict[str, dict[str, Any]]) -> None:
    assert "deploy" not in services["scheduler"] and "scale" not in services["scheduler"]

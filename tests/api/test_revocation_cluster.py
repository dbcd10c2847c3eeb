"""A revoked token is refused at once by every app instance: two Daphne processes share one
database and one Redis; the token works on both, is revoked, and the very next request to either
is refused (no instance keeps a copy of the token)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.appservers import ROOT, AppCluster

pytestmark = [pytest.mark.slow]

SEED = """
import django; django.setup()
from django.contrib.auth import get_user_model
from api import services
user = get_user_model().objects.create_user(username="cluster", email="c@example.com", password=None)
token, secret = services.create_token(user, name="cluster", scopes=["bookmarks:read"], expires_at=None)
print(secret)
"""
REVOKE = """
import django; django.setup()
from api import services
from api.models import ApiToken
services.revoke_tokens(ApiToken.objects.all())
"""


def run(cluster: AppCluster, code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=cluster.env, capture_output=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return done.stdout.decode().strip()


def status(cluster: AppCluster, index: int, secret: str) -> int:
    request = urllib.request.Request(
        cluster.url(index, "/api/v1/bookmarks"), headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.fixture
def cluster(redis_key_prefix: str) -> Iterator[AppCluster]:
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    with AppCluster(redis_url=redis_url, key_prefix=redis_key_prefix) as started:
        yield started
        logs = [path.read_text(errors="replace") for path in Path(started.workdir).glob("daphne-*.log")]
        assert logs and not [log for log in logs if "Traceback" in log]


def test_a_revoked_token_is_refused_at_once_by_every_instance(cluster: AppCluster) -> None:
    secret = run(cluster, SEED)
    assert [status(cluster, index, secret) for index in (0, 1)] == [200, 200]
    run(cluster, REVOKE)
    assert [status(cluster, index, secret) for index in (0, 1)] == [401, 401]
    body = urllib.request.Request(
        cluster.url(1, "/api/v1/bookmarks"), headers={"Authorization": f"Bearer {secret}"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(body, timeout=10)
    assert json.loads(refused.value.read())["error"]["code"] == "token_revoked"

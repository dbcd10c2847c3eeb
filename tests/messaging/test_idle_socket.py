"""An idle WebSocket stays up through a real Daphne process and still delivers afterwards.

channels-redis waits for a socket's next message with a blocking ``BZPOPMIN`` of
``RedisChannelLayer.brpop_timeout`` seconds, over and over. If the channel layer's Redis connections
have a socket timeout that is not longer than that wait (redis-py 8 defaults to 5 s, the same as the
wait), the read times out while Redis is still legitimately blocking: the consumer dies with
"Exception inside application: Timeout reading from ...", Daphne closes the socket and the browser
reconnects every few seconds. This test keeps one socket idle for more than two blocking waits.
"""

from __future__ import annotations

import time

import pytest
from channels_redis.core import RedisChannelLayer
from websockets.sync.client import connect

from bench.appservers import AppCluster
from tests.messaging.conftest import next_created, post_message, socket_headers

pytestmark = pytest.mark.slow

# More than two full blocking receives: the second one starts on a connection that already waited.
IDLE_SECONDS = 2 * RedisChannelLayer.brpop_timeout + 1


def test_an_idle_socket_stays_open_and_delivers_without_reconnecting(one_app_server: AppCluster) -> None:
    seeded = one_app_server.seed({"usernames": ["alice", "bob"], "direct": ["alice", "bob"]})
    conversation = seeded["direct"]
    alice, bob = seeded["users"]["alice"], seeded["users"]["bob"]
    # No client pings: the socket is idle in both directions (Daphne's own pings come every 20 s).
    with connect(
        one_app_server.ws_url(0, f"/ws/messages/{conversation}/"),
        additional_headers=socket_headers(one_app_server, alice["session"]),
        ping_interval=None,
    ) as socket:
        deadline = time.monotonic() + IDLE_SECONDS
        while (left := deadline - time.monotonic()) > 0:
            try:
                socket.recv(timeout=left)  # a closed socket raises ConnectionClosed and fails the test
            except TimeoutError:
                break
        sent = post_message(one_app_server, 0, conversation, bob["session"], "still there?")
        # The socket opened before the idle spell delivers (the websockets client never reconnects).
        created = next_created(socket, timeout=2.0)  # TimeoutError fails the test
    assert created["data"]["id"] == sent["id"]
    log = one_app_server.log_path(0).read_text()
    assert "Exception inside application" not in log
    assert "Traceback" not in log

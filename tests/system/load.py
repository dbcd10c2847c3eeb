"""Bounded load for the fault suite: HTTP clients and a WebSocket receiver in threads, and the tally
of what they saw.

Every HTTP answer is counted by status (``refused`` when the instance was not listening, ``timeout``,
``error``); a 5xx is kept with its path and an excerpt of the body. Writes the app accepted (a 2xx or
3xx) are remembered so the test can look for them in the database afterwards. The receiver behaves as
``static/js/messaging.js`` does on a conversation page: it connects with ``?after=<last id>``, asks
``sync {after: last id}`` on ``resync`` and for the next batch, and reconnects (after the last id it
has) when the socket closes.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

from bench.appservers import form_request

REQUEST_TIMEOUT_SECONDS = 30.0
UNLIMITED = {"limit": 1_000_000}


def suite_env(**extra: str) -> dict[str, str]:
    """Environment for a fault-suite cluster: no metadata fetch from the internet inside requests
    (reader copies are still queued, on the state Redis; no worker runs them), and the limits the
    load would run into lifted (the load is bounded by the test, not refused by the app)."""
    policies = {name: UNLIMITED for name in ("general", "search", "expensive", "messages")}
    return {
        "CONTENT_FETCH_METADATA": "false",
        "RATE_LIMIT_POLICIES_JSON": json.dumps(policies),
        **extra,
    }


@dataclass
class Tally:
    """What the clients saw; every method is safe to call from several threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    accepted: dict[str, list[Any]] = field(default_factory=dict)  # kind -> titles or message ids
    refused_writes: int = 0  # writes whose instance was down (connection refused): not accepted

    def count(self, method: str, path: str, status: int | str, body: str) -> None:
        with self.lock:
            self.statuses[str(status)] += 1
            if isinstance(status, int) and status >= 500:
                self.server_errors.append(f"{method} {path} -> {status}: {body[:300]}")

    def accept(self, kind: str, value: Any) -> None:
        with self.lock:
            self.accepted.setdefault(kind, []).append(value)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def fives(self) -> int:
        return sum(n for status, n in self.statuses.items() if status.startswith("5"))


def request(
    port: int,
    method: str,
    path: str,
    session: str,
    form: dict[str, str] | None = None,
    json_reply: bool = False,
) -> tuple[int | str, str]:
    """One request with a session cookie and a CSRF token; (status or failure name, body)."""
    try:
        status, text, _ = form_request(
            port, method, path, session, form, timeout=REQUEST_TIMEOUT_SECONDS, accept_json=json_reply
        )
        return status, text
    except ConnectionRefusedError:
        return "refused", ""
    except TimeoutError:
        return "timeout", ""
    except OSError as error:  # reset or closed by an instance that is shutting down
        return "error", repr(error)


def accepted(status: int | str) -> bool:
    return isinstance(status, int) and 200 <= status < 400


class Receiver(threading.Thread):
    """One member's socket on a conversation, as the page's client keeps it open."""

    def __init__(self, ws_url: str, session: str, conversation: int) -> None:
        super().__init__(daemon=True)
        self.ws_url, self.session, self.conversation = ws_url, session, conversation
        # The page's own origin: behind compose's nginx the page and the socket share one host and port.
        self.origin = ws_url.replace("ws://", "http://", 1)
        self.live: set[int] = set()
        self.replayed: set[int] = set()
        self.late: set[int] = set()  # arrived after a newer one: the socket's catch-up from the database
        self.last_id = 0
        self.connects = 0
        self.resyncs = 0
        self.failures: Counter[str] = Counter()  # why a connection ended or was not made
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    @property
    def delivered(self) -> set[int]:
        with self.lock:
            return self.live | self.replayed

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._session()
            except (WebSocketException, OSError, TimeoutError) as error:
                self.failures[type(error).__name__] += 1
            if not self.stopping.is_set():
                time.sleep(0.5)  # the page's client backs off before it reconnects

    def _session(self) -> None:
        path = f"/ws/messages/{self.conversation}/?after={self.last_id}"
        headers = {"Cookie": f"sessionid={self.session}", "Origin": self.origin}
        with connect(self.ws_url + path, additional_headers=headers, open_timeout=10) as socket:
            self.connects += 1
            syncing = True  # the connect replays first, up to sync.complete
            while not self.stopping.is_set():
                try:
                    event = json.loads(socket.recv(timeout=0.5))
                except TimeoutError:
                    continue
                kind = event["type"]
                if kind == "message.created":
                    message_id = int(event["data"]["id"])
                    with self.lock:
                        (self.replayed if syncing else self.live).add(message_id)
                        if message_id < self.last_id:
                            self.late.add(message_id)
                        self.last_id = max(self.last_id, message_id)
                elif kind == "sync.complete":
                    syncing = bool(event["data"]["has_more"])
                    if syncing:
                        self._sync(socket, event["data"]["last_id"])
                elif kind == "resync":
                    self.resyncs += 1
                    syncing = True
                    self._sync(socket, self.last_id)

    def _sync(self, socket: Any, after: int) -> None:
        frame = {"type": "sync", "conversation_id": self.conversation, "data": {"after": after}}
        socket.send(json.dumps(frame))

    def wait_for(self, ids: set[int], timeout: float) -> set[int]:
        """Wait until every one of ``ids`` arrived or ``timeout`` passed; the ids still missing."""
        deadline = time.monotonic() + timeout
        while (missing := ids - self.delivered) and time.monotonic() < deadline:
            time.sleep(0.1)
        return missing

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)

"""The compact form of a session's Redis copy: each fact once, positionally, in a msgpack array.

A signed-in session holds Django's entries (user id, backend path, auth hash), allauth's record of
how the user authenticated, Trackeep's metadata and the user snapshot. As a dict of named entries
that is ~600 bytes of msgpack, half of it names and repeats: the user id three times, the username
twice, a 41-byte backend path, a 64-character hex hash. ``pack`` stores the same facts as an array:

- the user id once, as an integer (Django's ``_auth_user_id``, allauth's ``..._user``, the
  snapshot's ``id`` are rebuilt from it);
- the backend as a CRC-32 of its path, looked up in ``AUTHENTICATION_BACKENDS`` (Django's
  ``get_user`` needs the path; a backend no longer listed comes back absent, which signs the session
  out exactly as Django does for an unlisted path);
- the auth hash as its 32 raw bytes, the IP address as its 4 or 16 packed bytes;
- times as Unix seconds, ``seen`` as seconds after ``since``, Django's expiry as an integer;
- the snapshot's strings positionally and its three flags as one small integer;
- allauth's records as ``[method, at, rest]``, the username left out when it is the snapshot's.

Whatever does not have exactly the expected shape (an anonymous session's entries, a backend no
longer listed, a snapshot field of another type) stays in a trailing dict as it was, so
``unpack(pack(d)) == d`` for every session dict: the session API, the database copy (Django's own
signed JSON) and every reader see the same entries as before. ``unpack`` also takes a plain dict, the
format of copies written before this one. docs/benchmarks.md gives the bytes per session.
"""

from __future__ import annotations

import ipaddress
import zlib
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

from accounts.sessions.metadata import META_KEY, SNAPSHOT_FIELDS, SNAPSHOT_KEY

FORMAT = 1
AUTH_METHODS_KEY = "account_authentication_methods"  # allauth.account.authentication
AUTH_METHODS_USER_KEY = "account_authentication_methods_user"
EXPIRY_KEY = "_session_expiry"  # django.contrib.sessions: set by allauth's ACCOUNT_SESSION_REMEMBER
HASH_HEX_LENGTH = 64
_FLAGS = ("is_active", "is_staff", "is_superuser")
_STRINGS = tuple(name for name in SNAPSHOT_FIELDS if name not in ("id", *_FLAGS))
_META_FIELDS = frozenset({"ip", "ua", "since", "seen"})
_SAME_USERNAME = 1  # an allauth record's username is the snapshot's


def _user_id(data: dict[str, Any]) -> int | None:
    value = data.get(SESSION_KEY)
    if type(value) is str and value.isdecimal() and str(int(value)) == value:
        return int(value)
    return None


def _backend_code(path: str) -> int:
    return zlib.crc32(path.encode())


def _backend(data: dict[str, Any]) -> int | None:
    value = data.get(BACKEND_SESSION_KEY)
    if not isinstance(value, str) or value not in settings.AUTHENTICATION_BACKENDS:
        return None
    return _backend_code(value)


def _backend_path(code: int) -> str | None:
    return next((p for p in settings.AUTHENTICATION_BACKENDS if _backend_code(p) == code), None)


def _hash(data: dict[str, Any]) -> bytes | None:
    value = data.get(HASH_SESSION_KEY)
    if type(value) is not str or len(value) != HASH_HEX_LENGTH:
        return None
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        return None
    return raw if raw.hex() == value else None


def _ip(value: Any) -> bytes | None:
    if value is None:
        return None
    try:
        packed = ipaddress.ip_address(value).packed
    except ValueError:
        return None
    return packed if str(ipaddress.ip_address(packed)) == value else None


def _meta(value: Any) -> list[Any] | None:
    """``[ip, ua, since, seen - since]``, or None if ``value`` is not exactly a metadata record."""
    if type(value) is not dict or value.keys() != _META_FIELDS:
        return None
    ip, ua, since, seen = value["ip"], value["ua"], value["since"], value["seen"]
    packed_ip = _ip(ip)
    if (ip is not None and packed_ip is None) or type(ua) is not str:
        return None
    if type(since) is not int or type(seen) is not int or seen < since:
        return None
    return [packed_ip, ua, since, seen - since]


def _unmeta(packed: list[Any]) -> dict[str, Any]:
    ip, ua, since, seen_after = packed
    return {
        "ip": None if ip is None else str(ipaddress.ip_address(ip)),
        "ua": ua,
        "since": since,
        "seen": since + seen_after,
    }


def _snapshot(value: Any, user_id: int) -> list[Any] | None:
    """``[strings..., flags]``, or None if ``value`` is not exactly this user's snapshot."""
    if type(value) is not dict or value.keys() != set(SNAPSHOT_FIELDS) or value["id"] != user_id:
        return None
    if type(value["id"]) is not int or any(type(value[name]) is not str for name in _STRINGS):
        return None
    if any(type(value[name]) is not bool for name in _FLAGS):
        return None
    flags = sum(1 << bit for bit, name in enumerate(_FLAGS) if value[name])
    return [*(value[name] for name in _STRINGS), flags]


def _unsnapshot(packed: list[Any], user_id: int) -> dict[str, Any]:
    *strings, flags = packed
    snapshot: dict[str, Any] = {"id": user_id, **dict(zip(_STRINGS, strings, strict=True))}
    snapshot.update({name: bool(flags >> bit & 1) for bit, name in enumerate(_FLAGS)})
    return {name: snapshot[name] for name in SNAPSHOT_FIELDS}


def _records(value: Any, username: str | None) -> list[Any] | None:
    """allauth's authentication records as ``[method, at, same_username, rest]`` each, or None."""
    if type(value) is not list:
        return None
    packed = []
    for record in value:
        if type(record) is not dict or type(record.get("method")) is not str:
            return None
        at = record.get("at")
        if type(at) not in (int, float):
            return None
        rest = {k: v for k, v in record.items() if k not in ("method", "at")}
        same = username is not None and rest.get("username") == username
        if same:
            del rest["username"]
        packed.append([record["method"], at, _SAME_USERNAME if same else 0, rest])
    return packed


def _unrecords(packed: list[Any], username: str | None) -> list[dict[str, Any]]:
    records = []
    for method, at, same, rest in packed:
        record = {"method": method, "at": at, **rest}
        if same == _SAME_USERNAME:
            record["username"] = username
        records.append(record)
    return records


def pack(data: dict[str, Any]) -> list[Any]:
    """The compact array of the session dict ``data`` (see the module docstring)."""
    rest = dict(data)
    user_id = _user_id(rest)
    if user_id is None:
        return [FORMAT, None, rest]
    del rest[SESSION_KEY]
    backend, auth_hash = _backend(rest), _hash(rest)
    if backend is not None:
        del rest[BACKEND_SESSION_KEY]
    if auth_hash is not None:
        del rest[HASH_SESSION_KEY]
    meta = _meta(rest.get(META_KEY))
    if meta is not None:
        del rest[META_KEY]
    snapshot = _snapshot(rest.get(SNAPSHOT_KEY), user_id)
    if snapshot is not None:
        del rest[SNAPSHOT_KEY]
    username = snapshot[_STRINGS.index("username")] if snapshot is not None else None
    records = _records(rest.get(AUTH_METHODS_KEY), username)
    if records is not None:
        del rest[AUTH_METHODS_KEY]
    same_user = rest.get(AUTH_METHODS_USER_KEY) == str(user_id)
    if same_user:
        del rest[AUTH_METHODS_USER_KEY]
    expiry = rest.pop(EXPIRY_KEY) if type(rest.get(EXPIRY_KEY)) is int else None
    return [FORMAT, user_id, backend, auth_hash, meta, snapshot, records, int(same_user), expiry, rest]


def unpack(value: Any) -> dict[str, Any]:
    """The session dict ``pack`` made ``value`` from (a plain dict, the older format, as it is)."""
    if type(value) is dict:
        return value
    if type(value) is not list or not value or value[0] != FORMAT:
        raise ValueError("not a compact session")
    if value[1] is None:
        return dict(value[2])
    _, user_id, backend, auth_hash, meta, snapshot, records, same_user, expiry, rest = value
    data: dict[str, Any] = {SESSION_KEY: str(user_id)}
    path = _backend_path(backend) if backend is not None else None
    if path is not None:
        data[BACKEND_SESSION_KEY] = path
    if auth_hash is not None:
        data[HASH_SESSION_KEY] = bytes(auth_hash).hex()
    if meta is not None:
        data[META_KEY] = _unmeta(meta)
    username = None
    if snapshot is not None:
        data[SNAPSHOT_KEY] = _unsnapshot(snapshot, user_id)
        username = data[SNAPSHOT_KEY]["username"]
    if records is not None:
        data[AUTH_METHODS_KEY] = _unrecords(records, username)
    if same_user:
        data[AUTH_METHODS_USER_KEY] = str(user_id)
    if expiry is not None:
        data[EXPIRY_KEY] = expiry
    data.update(rest)
    return data

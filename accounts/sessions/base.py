"""What both session engines share: the ``accounts.Session`` model and its metadata columns."""

from __future__ import annotations

from typing import Any

from accounts.sessions.metadata import META_KEY, owner_of, parse_time


class MetadataSessionMixin:
    """Stores the owner and device of a session in the durable row as well as in the data."""

    @classmethod
    def get_model_class(cls):  # type: ignore[no-untyped-def]
        from accounts.models import Session

        return Session

    def create_model_instance(self, data: dict[str, Any]):  # type: ignore[no-untyped-def]
        obj = super().create_model_instance(data)  # type: ignore[misc]
        meta = data.get(META_KEY) or {}
        obj.user_id = owner_of(data) if meta else None
        obj.ip = meta.get("ip")
        obj.user_agent = meta.get("ua", "")
        obj.created_at = parse_time(meta.get("since"))
        obj.last_active = parse_time(meta.get("seen"))
        return obj

    def owner_id(self) -> int | None:
        """The user id this session belongs to, if it is an authenticated session."""
        data = self._get_session()  # type: ignore[attr-defined]
        return owner_of(data) if data.get(META_KEY) else None

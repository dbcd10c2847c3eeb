"""The audit log: security actions appended to a Redis Stream by the request, moved to PostgreSQL later.

``record(action, ...)`` (``core.audit.stream``) costs the request one XADD and no database write; the
periodic job ``audit-drain`` (``core.audit.consumer``) reads the stream with a consumer group, stores
entries idempotently by stream id (``core.models.AuditEntry``), acknowledges them, and claims what a
dead worker left pending. Searchable in the admin. docs/operations.md, "Audit log".
"""

from core.audit.stream import ACTIONS, record

__all__ = ["ACTIONS", "record"]

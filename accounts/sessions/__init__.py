"""Session engines. ``redis_db``: reads from the state Redis, durable copy in the database
(``cached_db`` semantics, survives any Redis outage). ``database``: the same model without Redis,
used when ``REDIS_SESSIONS_ENABLED`` is off."""

"""Trackeep's Redis platform layer: one concern per module (see docs/architecture.md, section 3).

- ``client``: raw clients per role; ``keys``: every key; ``ttl``: every expiry;
- ``scripts`` + ``lua/``: Lua loaded once; ``serializers``: msgpack with ext types, compression;
- ``breaker``: the circuit breaker inside every connection; ``errors``: the one outage exception;
- ``families``: the cache registry apps declare their families in; ``cache_aside``: the one
  cache-aside read (generations, one round trip, single-flight fill); ``health``: PING/INFO/SLOWLOG
  and alert thresholds;
- ``keyspace``: SCAN statistics per key family for ``manage.py cache_inspect``.
"""

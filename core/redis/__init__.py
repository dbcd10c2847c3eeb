"""Trackeep's Redis platform layer: one concern per module (see docs/architecture.md, section 3).

- ``client``: raw clients per role; ``keys``: every key; ``ttl``: every expiry;
- ``scripts`` + ``lua/``: Lua loaded once; ``serializers``: msgpack with ext types or signed pickle,
  compression; ``cache_clients``: the django-redis client for which an undecodable entry is a miss;
- ``breaker``: the circuit breaker inside every connection; ``pool``: connection pools with waits and
  statistics; ``errors``: the one outage exception;
- ``families``: the cache registry apps declare their families in; ``cache_aside``: the one
  cache-aside read (generations, one round trip, single-flight fill); ``health``: PING/INFO/SLOWLOG
  and alert thresholds;
- ``keyspace``: SCAN statistics per key family for ``manage.py cache_inspect``.
"""

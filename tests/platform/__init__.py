"""Tests of the Redis platform layer (core.redis, sessions and throttling under outages) and of the
cache maintenance commands, against real redis-server processes."""

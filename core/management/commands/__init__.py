"""Trackeep's Redis and cache maintenance commands; see docs/operations.md."""

"""Trackeep time tracking: a start/stop timer (Redis state, rebuilt from the database), entries, totals."""

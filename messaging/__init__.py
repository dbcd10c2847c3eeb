"""Trackeep messaging app."""

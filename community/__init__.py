"""Trackeep community app."""

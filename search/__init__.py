"""Trackeep search app."""

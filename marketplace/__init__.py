"""Trackeep marketplace app."""

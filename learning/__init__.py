"""Trackeep learning app."""

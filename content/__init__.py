"""Trackeep content app."""

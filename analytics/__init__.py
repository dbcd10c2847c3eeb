"""Trackeep analytics app."""

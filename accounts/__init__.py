"""Accounts: users and roles, first-run setup, login throttling, sessions and their index."""

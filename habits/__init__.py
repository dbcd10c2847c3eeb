"""Trackeep habits app: daily habits, one-tap check-ins, today's counts in Redis, a yearly heat-map."""

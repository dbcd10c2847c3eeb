"""Platform layer shared by every Trackeep app: Redis access, checks, health, base views."""

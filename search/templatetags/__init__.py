"""Template tags and filters of the search pages."""

"""Personal API tokens, the JSON API (``/api/v1/``), and the capture pages (bookmarklet, share target)."""

"""Pages of the api app: personal API tokens and the capture pages (share target, web app manifest)."""

"""The admin's "Redis" page: per role the current figures with OK/WARN (the monitoring sampler's own
thresholds), SVG charts of the sampler's series, key counts per cache family, and operator actions.

``selectors`` reads (live figures, the series, a bounded SCAN of the keyspace), ``services`` acts
(invalidate a user's caches through the registry, sign a user out everywhere, reset a rate-limit
identity; each audited), ``views`` stays thin. Session revocation belongs to the accounts app, which
the platform may not import: it registers itself in ``hooks``. docs/operations.md, "Admin Redis page".
"""

"""Request rate limiting on the state Redis, with an in-process limiter for outages and Redis-less runs.

- ``policies``: the limits, as settings data (``RATE_LIMIT_POLICIES``), parsed once into ``Policy``;
- ``matching`` and ``identity``: which policies a request falls under, and whose budget it spends;
- ``algorithms``: one module per algorithm behind one interface (its Lua script and reply, the same
  rule as a pure in-process step, and reading state without spending), chosen by name;
- ``redis_limiter`` (the algorithms' scripts, one round trip per request) and ``local_limiter`` (their
  in-process steps), both algorithm-agnostic, chosen by ``backends``;
- ``services`` (count, release, reset; the outage policy) and ``selectors`` (read an identity's state);
- ``middleware`` and ``responses``: the HTTP side (headers, the 429 page or JSON body);
- ``metrics``: process-level counters of fail-open events, local fallbacks and denials;
- ``views``, ``forms``, ``urls``, ``admin``, ``checks``: operator tools (with ``manage.py ratelimit``).

The design, the table of limits and measured costs are in ``docs/ratelimiting.md``.
"""

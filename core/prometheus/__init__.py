"""Prometheus metrics (prometheus-client): what the processes count and the ``/metrics`` endpoint.

Multi-process: gunicorn and daphne run several processes, so with ``PROMETHEUS_MULTIPROC_DIR`` set
(compose sets it) every process writes its counters to files there and the endpoint adds them up
(prometheus-client's multiprocess mode); without it, the endpoint reports its own process. Figures read
at scrape time (job queue depth and failures) come from Redis. docs/operations.md, "Metrics".
"""

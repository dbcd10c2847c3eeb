"""Redis monitoring over time: a periodic sampler, a 24 h time series per role, the seed's alerts.

``sampler.sample_all`` (the ``sample_redis`` job, every minute) reads each role's figures as the
read-only ``monitor`` ACL user (``figures``), checks them against the seed's thresholds (``alerts``)
and appends them to the role's capped series on the state role (``series``). docs/operations.md.
"""

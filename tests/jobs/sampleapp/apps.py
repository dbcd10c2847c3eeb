"""A stand-in for a domain app: declares its jobs in jobs.py and a periodic job in ready().

Installed only by tests.jobs.settings (the settings of the worker and scheduler processes the job
tests start) and by tests that add it to INSTALLED_APPS, which is the point: nothing in core/ names it.
"""

from django.apps import AppConfig

TICK_EVERY_SECONDS = 1


class SampleAppConfig(AppConfig):
    name = "tests.jobs.sampleapp"
    label = "jobs_sampleapp"

    def ready(self) -> None:
        from core import jobs
        from tests.jobs.sampleapp.jobs import tick

        jobs.register_periodic(tick, every=TICK_EVERY_SECONDS, name="sample-tick")

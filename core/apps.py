"""App config for the platform layer: registers the system checks and imports every app's jobs."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Trackeep platform"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the checks)
        from core.audit import receivers  # noqa: F401  (connects the audit receivers)
        from core.jobs import checks as job_checks  # noqa: F401
        from core.ratelimit import checks as ratelimit_checks  # noqa: F401

        # Each app's jobs.py declares its jobs (@core.jobs.job): import them in every process, so a
        # worker knows them all before it runs one.
        autodiscover_modules("jobs")
        # core.jobs is the queue itself, so the platform's own jobs live in their packages.
        from core.audit import jobs as audit_jobs
        from core.jobs import outbox
        from core.monitoring import jobs as monitoring_jobs

        audit_jobs.register()
        monitoring_jobs.register()
        outbox.register()
        # System events (core.system_events): admin policy overrides reload every process's table.
        from core.ratelimit import overrides

        overrides.connect()
        from core.prometheus import breakers

        breakers.connect()

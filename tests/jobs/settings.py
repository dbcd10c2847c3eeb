"""Settings of the worker and scheduler processes that the job tests start: the project's, plus
the sample app (which declares a periodic job from its AppConfig.ready())."""

from trackeep.settings import *  # noqa: F403
from trackeep.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.jobs.sampleapp.apps.SampleAppConfig"]

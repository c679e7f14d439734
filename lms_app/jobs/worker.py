"""The worker process: Huey's consumer on the app's queue (``python -m lms_app.manage worker``).

Threads, not processes: jobs are short and mostly wait on the database or SMTP, and threads
share the imported app (plugins, engine) without forking it.
"""

from __future__ import annotations

import logging
import os


def run_worker(workers: int | None = None) -> int:
    from lms_app.core import plugins
    from lms_app.jobs.queue import get_huey

    from lms_app.core import error_reporting, log_hygiene, log_setup
    from lms_app.core.settings import get_settings

    log_hygiene.install()
    log_setup.configure(get_settings())
    plugins.manager()
    error_reporting.install(get_settings())
    plugins.collected("lms_settings")  # no pages: the worker never imports Reflex components
    huey = get_huey()
    count = workers or int(os.environ.get("LMS_WORKER_THREADS", "2"))
    consumer = huey.create_consumer(workers=count, worker_type="thread", periodic=True, check_worker_health=True)
    logging.getLogger(__name__).info("worker: %s threads on %s", count, type(huey.storage).__name__)
    consumer.run()
    return 0

"""Community: lesson Q&A (a widget under every lesson and a course page), moderation,
announcements and private messages to a course's teacher."""

from __future__ import annotations

from lms_app.community import models  # noqa: F401  (registers its tables on SQLModel.metadata)
from lms_app.core.plugin_api import LessonWidget, ScheduledJob, hookimpl


@hookimpl
def lms_scheduled_jobs():
    from lms_app.community import services

    return [ScheduledJob("community-announcement-mail-sweep", 15, services.sweep_announcements)]

"""Live sessions: offerings teachers sell, slots learners book, reminders, calendar invites."""

from __future__ import annotations

from lms_app.live import models  # noqa: F401  (registers its tables on SQLModel.metadata)

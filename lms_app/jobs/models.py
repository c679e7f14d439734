"""The job-run log: one row per execution of a job, so admins see what ran, what failed and why.

Huey keeps the queue itself (in its own SQLite file or in Redis); this table is the durable,
queryable history in the app's database, written by the worker around each execution.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

OUTCOMES = ("running", "ok", "retrying", "failed")


class JobRun(SQLModel, table=True):
    __tablename__ = "job_runs"
    __table_args__ = (
        CheckConstraint("outcome IN ('running', 'ok', 'retrying', 'failed')", name="ck_job_runs_outcome"),
        Index("ix_job_runs_name_started", "name", "started_at"),
        Index("ix_job_runs_outcome_started", "outcome", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The periodic job's name (``purge-expired-sessions``) or the task's target (``mail.send``).
    name: str = Field(sa_column=Column(String(120), nullable=False))
    periodic: bool = Field(default=False)
    task_id: str = Field(default="", sa_column=Column(String(64), nullable=False, server_default=""))
    attempt: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))
    started_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    outcome: str = Field(default="running", sa_column=Column(String(16), nullable=False, server_default="running"))
    done: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    error: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))

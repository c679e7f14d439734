"""A personal-data export: a zip built for one user, downloadable by its owner until it expires."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, String, Text
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow


class DataExport(SQLModel, table=True):
    __tablename__ = "data_exports"
    __table_args__ = (Index("ix_data_exports_user_created", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    # An admin exporting for someone; NULL when the person asked (or the admin was erased).
    requested_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL", nullable=True)
    status: str = Field(default="pending", sa_column=Column(String(16), nullable=False, server_default="pending"))
    file_key: str = Field(default="", sa_column=Column(String(80), nullable=False, server_default=""))
    size: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    error: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    ready_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))

"""Certificates of completion: one live certificate per enrollment, verifiable by its number.

The learner's name, course title and teacher are copied at issue time: a certificate states
what was true when it was issued (a reissue copies them again). ``number`` is random and long
(services/certificates.new_number), so certificates cannot be enumerated. At most one
non-revoked certificate per enrollment is a database fact (partial unique index), so
concurrent completion events issue exactly one.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, text
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow


class Certificate(SQLModel, table=True):
    __tablename__ = "certificates"
    __table_args__ = (
        Index("uq_certificates_enrollment_live", "enrollment_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
        Index("ix_certificates_user_issued", "user_id", "issued_at"),
        Index("ix_certificates_issued", "issued_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    course_id: int = Field(foreign_key="courses.id", index=True, ondelete="CASCADE")
    enrollment_id: int = Field(foreign_key="enrollments.id", ondelete="CASCADE")
    learner_name: str = Field(sa_column=Column(String(120), nullable=False))
    course_title: str = Field(sa_column=Column(String(160), nullable=False))
    teacher_name: str = Field(sa_column=Column(String(120), nullable=False))
    completed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    issued_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # None: issued automatically on completion; otherwise the admin who issued or reissued it.
    issued_by_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    revoke_reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # The course's completion rule when it was issued, in words (shown on the verify page).
    completion_rule: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    revoked_by_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True))
    # The stored PDF (under LMS_DATA_DIR/media/certificates), set once it has been rendered.
    pdf_file: str | None = Field(default=None, sa_column=Column(String(80), nullable=True))


class CertificateView(TypedDict):
    """A certificate as its owner (dashboard) or an admin (list) sees it."""

    number: str
    learner_name: str
    course_title: str
    teacher_name: str
    date_label: str
    revoked: bool
    revoked_label: str
    verify_href: str
    download_href: str
    linkedin_href: str


class AdminCertificateView(CertificateView):
    learner_email: str
    revoke_reason: str
    issued_label: str


class VerifyView(TypedDict):
    """What the public verify page shows: the listed fields and nothing else about the learner."""

    status: str  # valid | revoked | unknown
    number: str
    learner_name: str
    course_title: str
    teacher_name: str
    date_label: str
    issuer: str
    revoked_label: str
    credential_href: str
    linkedin_href: str
    # The holder deleted their account (privacy feature): the certificate stands as issued.
    holder_closed: bool
    completion_rule: str

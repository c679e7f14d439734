"""A learner's submission to an assignment: text and/or files, changeable until it is graded.

Only an enrolled learner submits, always for themselves (the user comes from the guard; the
lesson must be an assignment they may open, sequential mode included: ``progress.learner_lesson``).
One submission per (lesson, learner) is a database fact (unique), so a double click or two tabs
end up with one row. A submission can be changed until it is graded; in peer mode also only
until its first peer review has been completed (reviewers must grade what the others see).

Files: PDF, images (PNG, JPEG, GIF, WebP) or ZIP, at most 20 MB each and 5 per submission,
recognised by their first bytes (never the name), stored under random names in
``LMS_DATA_DIR/media/submissions`` (outside anything served publicly) and streamed by
``/media/submissions/<file id>`` to the author, assigned peer reviewers and the course's staff.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.core.courses import Course
from lms_app.assignments.models import AssignmentSettings, PeerReview, Submission, SubmissionFile
from lms_app.core.types import utcnow
from lms_app.assignments.services import setup as assignment_setup, peer_review
from lms_app.core import events, storage
from lms_app.learning.services import progress
from lms_app.core.sessions import Actor
from lms_app.authoring.services.courses import settle
from lms_app.authoring.services.checks import as_id, strip_controls
from lms_app.core.errors import ServiceError
from lms_app.core.lesson_types import MB, UploadRule, is_pdf
from lms_app.core.settings import Settings

TEXT_MAX = 50_000
FILES_MAX = 5


def _is_png(head: bytes) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_jpeg(head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_gif(head: bytes) -> bool:
    return head.startswith((b"GIF87a", b"GIF89a"))


def _is_webp(head: bytes) -> bool:
    return len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _is_zip(head: bytes) -> bool:
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06"))


UPLOAD = UploadRule(max_bytes=20 * MB, kinds=(
    ("application/pdf", ".pdf", is_pdf), ("image/png", ".png", _is_png), ("image/jpeg", ".jpg", _is_jpeg),
    ("image/gif", ".gif", _is_gif), ("image/webp", ".webp", _is_webp), ("application/zip", ".zip", _is_zip),
), description="a PDF, an image (PNG, JPEG, GIF, WebP) or a ZIP file")


FILES_AREA = "submissions"  # storage area (core/storage.py)


def files_dir(settings: Settings) -> Path:
    """Where submission files live with local storage (the layout of ``LMS_STORAGE=local``)."""
    return settings.media_dir / FILES_AREA


def learner_target(session: Session, actor: Actor, lesson_ref: object) -> progress.Target:
    """The assignment lesson if the actor is enrolled and may open it now (else refused)."""
    target = progress.learner_lesson(session, actor, lesson_ref)
    if target.lesson.lesson_type != assignment_setup.KEY:
        raise ServiceError("This lesson is not an assignment.")
    return target


def own_submission(session: Session, user_id: int, lesson_id: int, lock: bool = False) -> Submission | None:
    query = select(Submission).where(Submission.lesson_id == lesson_id, Submission.user_id == user_id)
    return session.exec(query.with_for_update() if lock else query).first()


def _check_changeable(session: Session, sub: Submission) -> None:
    if sub.status == "graded":
        raise ServiceError("Your submission has been graded and can no longer be changed.")
    done = session.exec(select(func.count()).select_from(PeerReview).where(
        PeerReview.submission_id == sub.id, PeerReview.completed_at.is_not(None))).one()
    if done:
        raise ServiceError("A classmate has already reviewed your submission, so it can no longer be changed.")


def _open(session: Session, actor: Actor, lesson_ref: object) -> tuple[Submission, AssignmentSettings, bool]:
    """The learner's submission (locked), created when missing; (row, settings, created)."""
    target = learner_target(session, actor, lesson_ref)
    lesson = target.lesson
    cfg = assignment_setup.settings_for(session, lesson.id)
    sub = own_submission(session, actor.user_id, lesson.id, lock=True)
    if sub is not None:
        _check_changeable(session, sub)
        return sub, cfg, False
    now = utcnow()
    peer = cfg.grading_mode == "peer"
    try:
        with session.begin_nested():
            sub = Submission(lesson_id=lesson.id, course_id=lesson.course_id, user_id=actor.user_id,
                             status="peer_review" if peer else "awaiting_teacher", submitted_at=now, updated_at=now,
                             peer_deadline_at=now + timedelta(days=cfg.peer_days) if peer else None)
            session.add(sub)
    except IntegrityError:  # the same learner submitted concurrently (second tab, double click)
        sub = own_submission(session, actor.user_id, lesson.id, lock=True)
        _check_changeable(session, sub)
        return sub, cfg, False
    return sub, cfg, True


def _after_create(session: Session, sub: Submission, cfg: AssignmentSettings, created: bool) -> None:
    if created:
        events.emit(session, "assignment_submitted", user_id=sub.user_id, course_id=sub.course_id,
                    lesson_id=sub.lesson_id, submission_id=sub.id, grading=cfg.grading_mode)
    if created and cfg.grading_mode == "peer":
        peer_review.assign(session, sub.lesson_id, cfg.reviews_required, sub.user_id)


def clean_text(raw: object) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise ServiceError("Your answer must be text.", "text")
    text = strip_controls(raw).strip()
    if len(text) > TEXT_MAX:
        raise ServiceError(f"Your answer is too long: keep it under {TEXT_MAX:,} characters.", "text")
    return text


def submit_text(session: Session, actor: Actor, lesson_ref: object, text: object) -> Submission:
    """Submit (or change) the written answer. Submitting the same text twice changes nothing."""
    clean = clean_text(text)
    if not clean:
        target = learner_target(session, actor, lesson_ref)
        sub = own_submission(session, actor.user_id, target.lesson.id)
        has_files = sub is not None and session.exec(select(func.count()).select_from(SubmissionFile).where(
            SubmissionFile.submission_id == sub.id)).one()
        if not has_files:
            raise ServiceError("Write your answer or attach a file before submitting.", "text")
    sub, cfg, created = _open(session, actor, lesson_ref)
    if sub.text != clean:
        sub.text, sub.updated_at = clean, utcnow()
        session.add(sub)
    session.flush()
    _after_create(session, sub, cfg, created)
    return sub


def add_file(session: Session, settings: Settings, actor: Actor, lesson_ref: object, data: object,
             filename: object = "") -> SubmissionFile:
    """Attach a file (bytes or an upload's file-like, streamed to storage in chunks up to the limit)."""
    source = storage.as_source(data)
    head = b""
    if source is not None:
        head, source = storage.peek(source)
    if not head:
        raise ServiceError(f"The file is empty. Choose {UPLOAD.description}.", "file")
    found = UPLOAD.sniff(head)
    if found is None:
        raise ServiceError(f"That file is not {UPLOAD.description} (its content was checked, not its name).", "file")
    sub, cfg, created = _open(session, actor, lesson_ref)
    if not created:
        count = session.exec(select(func.count()).select_from(SubmissionFile)
                             .where(SubmissionFile.submission_id == sub.id)).one()
        if count >= FILES_MAX:
            raise ServiceError(f"A submission holds at most {FILES_MAX} files. Remove one first.", "file")
    mime, suffix = found
    name = filename if isinstance(filename, str) else ""
    name = re.sub(r"[\x00-\x1f\x7f/\\\"]", "", name).strip()[-200:] or f"file{suffix}"
    if not name.lower().endswith(suffix) and not (suffix == ".jpg" and name.lower().endswith(".jpeg")):
        name = name.rsplit(".", 1)[0] + suffix
    try:
        key, size = storage.put(settings, FILES_AREA, source, suffix=suffix, content_type=mime,
                                max_bytes=UPLOAD.max_bytes, field="file")
    except storage.TooLarge:
        raise ServiceError(f"The file is larger than {UPLOAD.limit_label}. Choose a smaller one.", "file") from None
    row = SubmissionFile(submission_id=sub.id, file_key=key, file_name=name, file_size=size, file_mime=mime)
    sub.updated_at = utcnow()
    session.add_all([row, sub])
    session.flush()
    settle(session, settings, FILES_AREA, on_commit=[], on_rollback=[key])
    _after_create(session, sub, cfg, created)
    return row


def remove_file(session: Session, settings: Settings, actor: Actor, lesson_ref: object, file_id: object) -> None:
    fid = as_id(file_id, "file")
    target = learner_target(session, actor, lesson_ref)
    sub = own_submission(session, actor.user_id, target.lesson.id, lock=True)
    row = session.get(SubmissionFile, fid)
    if sub is None or row is None or row.submission_id != sub.id:
        raise ServiceError("That file does not exist.")
    _check_changeable(session, sub)
    has_text = bool(sub.text)
    others = session.exec(select(func.count()).select_from(SubmissionFile)
                          .where(SubmissionFile.submission_id == sub.id)).one() - 1
    if not has_text and others <= 0:
        raise ServiceError("Your submission needs an answer or a file: add the new one before removing this one.")
    key = row.file_key
    session.delete(row)
    sub.updated_at = utcnow()
    session.add(sub)
    session.flush()
    settle(session, settings, FILES_AREA, on_commit=[key])


def files_of(session: Session, submission_ids: list[int]) -> dict[int, list[SubmissionFile]]:
    out: dict[int, list[SubmissionFile]] = {sid: [] for sid in submission_ids}
    if not submission_ids:
        return out
    for row in session.exec(select(SubmissionFile).where(SubmissionFile.submission_id.in_(submission_ids))
                            .order_by(SubmissionFile.id)).all():
        out[row.submission_id].append(row)
    return out


# --- the file route ---------------------------------------------------------------------------------

def readable_file(session: Session, settings: Settings, actor: Actor | None, file_id: object):
    """(path, mime, download name) if the viewer may read it: the author, an assigned peer reviewer
    (under an anonymous name), the course's teacher or an admin; None otherwise (404)."""
    try:
        fid = as_id(file_id, "file")
    except ServiceError:
        return None
    row = session.get(SubmissionFile, fid)
    if actor is None or row is None:
        return None
    sub = session.get(Submission, row.submission_id)
    course = session.get(Course, sub.course_id) if sub else None
    if sub is None or course is None:
        return None
    name = row.file_name
    if sub.user_id == actor.user_id:
        pass
    elif actor.role == "admin" or course.teacher_id == actor.user_id:
        pass
    elif session.exec(select(PeerReview.id).where(PeerReview.submission_id == sub.id,
                                                  PeerReview.reviewer_id == actor.user_id)).first() \
            and progress.is_enrolled(session, actor.user_id, course.id):
        suffix = Path(row.file_key).suffix
        name = f"submission-file-{fid}{suffix}"
    else:
        return None
    key = storage.key(FILES_AREA, row.file_key)
    if key is None:
        return None
    return key, row.file_mime, name

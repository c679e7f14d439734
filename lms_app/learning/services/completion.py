"""Completion rules per course: how a video or a reading counts as complete, checked on the server.

A course without a ``CompletionRule`` row keeps the original behaviour (the learner may mark any
non-graded lesson complete; a video also completes at 90 % of its position). With a rule:

- ``video_rule == "watch"``: "Mark complete" is refused on video lessons; the lesson completes when
  the *watched* time reaches ``video_percent`` % of its length. Watched time is credited by
  ``credit``: each position save adds at most the wall-clock time since the previous save times
  ``MAX_SPEED`` (2× playback) and never more than ``STEP_MAX`` seconds, and nothing when the
  position moves back; so seeking to the end, or a script sending positions, gains at most what
  real time allows. The length is the lesson's ``duration_seconds`` when known.
- ``reading_rule == "time"``: text and PDF lessons can be marked complete only after
  ``reading_seconds`` counted by the server's visible-tab heartbeats (``progress.heartbeat``).

Teachers (course owner) and admins set the rule; ``describe`` is the sentence the player and
the certificate page show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from lms_app.core.courses import Course
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.permissions import TEACHER_AREA, require_role
from lms_app.core.sessions import Actor
from lms_app.core.types import utcnow
from lms_app.learning.models import CompletionRule

MAX_SPEED = 2.0  # the fastest playback rate credited
STEP_MAX = 30  # seconds credited by one save at most (the player saves every ~5 s while playing)
MIN_UNKNOWN_LENGTH = 30  # a video of unknown length is taken to be at least this long
VIDEO_RULES = ("watch", "manual")
READING_RULES = ("time", "manual")


@dataclass(frozen=True)
class Rule:
    video_rule: str = "manual"
    video_percent: int = 90
    reading_rule: str = "manual"
    reading_seconds: int = 60
    configured: bool = False

    @property
    def verified_video(self) -> bool:
        return self.video_rule == "watch"

    @property
    def timed_reading(self) -> bool:
        return self.reading_rule == "time"


def rule_for(session: Session, course_id: int) -> Rule:
    row = session.exec(select(CompletionRule).where(CompletionRule.course_id == course_id)).first()
    if row is None:
        return Rule()
    return Rule(row.video_rule, row.video_percent, row.reading_rule, row.reading_seconds, configured=True)


def minutes_label(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min" + (f" {rest} s" if rest else "")


def describe(rule: Rule) -> str:
    """One sentence for learners and the certificate: which rule applies."""
    video = (f"videos count as complete after {rule.video_percent} % of them was watched (skipping ahead does not count)"
             if rule.verified_video else "learners mark videos complete themselves (or watch 90 %)")
    reading = (f"readings after at least {minutes_label(rule.reading_seconds)} on the page"
               if rule.timed_reading else "learners mark readings complete themselves")
    return f"Completion rule: {video}; {reading}; quizzes and assignments by passing."


def credit(watched: int, previous_position: int, position: int, saved_at: datetime | None, now: datetime) -> int:
    """Watched seconds after a save moving the player from ``previous_position`` to ``position``."""
    if saved_at is None or position <= previous_position:
        return watched
    elapsed = max(0.0, (now - saved_at).total_seconds())
    return watched + int(min(position - previous_position, elapsed * MAX_SPEED, STEP_MAX))


def video_length(lesson_seconds: int, reported: int | None) -> int:
    """The lesson's known length; else what the player reports, but never under MIN_UNKNOWN_LENGTH."""
    if lesson_seconds:
        return lesson_seconds
    return max(reported or 0, MIN_UNKNOWN_LENGTH)


def needed_seconds(rule: Rule, length: int) -> int:
    """Whole seconds (rounded down: saves come every few seconds and positions are whole seconds)."""
    return length * rule.video_percent // 100


# --- the teacher's setting ------------------------------------------------------------------

def _own_course(session: Session, actor: Actor, course_id: object) -> Course:
    require_role(actor, TEACHER_AREA)
    cid = course_id if isinstance(course_id, int) and not isinstance(course_id, bool) else None
    if cid is None and isinstance(course_id, str) and course_id.isdigit() and len(course_id) < 12:
        cid = int(course_id)
    course = session.get(Course, cid) if cid else None
    if course is None:
        raise ServiceError("That course does not exist.")
    if actor.role != "admin" and course.teacher_id != actor.user_id:
        raise PermissionDenied("Only the course's teacher can change how it completes.")
    return course


def settings_view(session: Session, actor: Actor, course_id: object) -> dict:
    course = _own_course(session, actor, course_id)
    rule = rule_for(session, course.id)
    return {"course_id": course.id, "video_rule": rule.video_rule, "video_percent": str(rule.video_percent),
            "reading_rule": rule.reading_rule, "reading_minutes": str(max(1, round(rule.reading_seconds / 60))),
            "summary": describe(rule)}


def _int_in(raw: object, low: int, high: int, field: str, message: str) -> int:
    text = raw.strip() if isinstance(raw, str) else raw
    if isinstance(text, str) and text.isdigit() and len(text) < 6:
        text = int(text)
    if not isinstance(text, int) or isinstance(text, bool) or not low <= text <= high:
        raise ServiceError(message, field)
    return text


def save(session: Session, actor: Actor, course_id: object, form: object) -> Rule:
    """Set the course's rule from the settings form (owner or admin)."""
    course = _own_course(session, actor, course_id)
    form = form if isinstance(form, dict) else {}
    video_rule, reading_rule = form.get("video_rule"), form.get("reading_rule")
    if video_rule not in VIDEO_RULES:
        raise ServiceError("Choose how videos complete.", "video_rule")
    if reading_rule not in READING_RULES:
        raise ServiceError("Choose how readings complete.", "reading_rule")
    percent = _int_in(form.get("video_percent", "90"), 50, 100, "video_percent",
                      "The share of a video to watch is a whole number from 50 to 100.")
    minutes = _int_in(form.get("reading_minutes", "1"), 1, 60, "reading_minutes",
                      "The minimum reading time is a whole number of minutes from 1 to 60.")
    row = session.exec(select(CompletionRule).where(CompletionRule.course_id == course.id).with_for_update()).first()
    if row is None:
        row = CompletionRule(course_id=course.id)
    row.video_rule, row.video_percent, row.reading_rule = video_rule, percent, reading_rule
    row.reading_seconds, row.updated_at = minutes * 60, utcnow()
    session.add(row)
    session.flush()
    return rule_for(session, course.id)


def set_rule(session: Session, course_id: int, video_rule: str = "watch", video_percent: int = 90,
             reading_rule: str = "time", reading_seconds: int = 60) -> None:
    """For the demo seed and tests (no actor): insert or replace the rule."""
    row = session.exec(select(CompletionRule).where(CompletionRule.course_id == course_id)).first() \
        or CompletionRule(course_id=course_id)
    row.video_rule, row.video_percent, row.reading_rule, row.reading_seconds = (video_rule, video_percent,
                                                                                reading_rule, reading_seconds)
    session.add(row)
    session.flush()


def player_notes(session: Session, course_slug: str) -> tuple[bool, str, str]:
    """(videos complete only by watching, the note under a video, the note under a reading)."""
    course_id = session.exec(select(Course.id).where(Course.slug == course_slug)).first()
    rule = rule_for(session, course_id) if course_id else Rule()
    if rule.verified_video:
        video = (f"This video completes by itself once you have watched {rule.video_percent} % of it "
                 "(skipping ahead does not count).")
    else:
        video = "Videos complete by themselves at 90 % watched."
    reading = (f"This course asks for at least {minutes_label(rule.reading_seconds)} on each reading "
               "before it can be marked complete." if rule.timed_reading else "")
    return rule.verified_video, video, reading

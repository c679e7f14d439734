"""The lesson-type registry: what each kind of lesson holds, how it is checked and shown.

Each type declares its label and Lucide icon, the content fields it uses (``body``,
``video_url``, ``file``), a ``validate(fields) -> cleaned fields`` function, when it takes an
uploaded file an ``UploadRule`` (allowed magic bytes per MIME type and a size limit), and the
component the course player shows for it.

Types come from plugins (the ``lms_lesson_types`` hook): the built-in text, video and PDF types
from the learning package, quizzes and assignments from theirs, others from installed plugins.
Services and pages only ever ask the registry (``get``/``all_types``), never compare type names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

from lms_app.core.errors import ServiceError
from lms_app.core.markdown import neutralise

BODY_MAX = 100_000
MB = 1024 * 1024


@dataclass(frozen=True)
class UploadRule:
    """Which files a type accepts: sniffed by content, never by name or declared MIME type."""

    max_bytes: int
    # (MIME type, stored suffix, predicate on the first bytes)
    kinds: tuple[tuple[str, str, Callable[[bytes], bool]], ...]
    description: str  # for messages, e.g. "a PDF"

    def sniff(self, head: bytes) -> tuple[str, str] | None:
        for mime, suffix, matches in self.kinds:
            if matches(head):
                return mime, suffix
        return None

    @property
    def limit_label(self) -> str:
        return f"{self.max_bytes // MB} MB"

    @property
    def accept(self) -> dict[str, list[str]]:
        """For the browser's file picker (a hint only; the server sniffs)."""
        return {mime: [suffix] for mime, suffix, _ in self.kinds}


@dataclass(frozen=True)
class LessonType:
    key: str
    label: str
    icon: str
    fields: tuple[str, ...]
    validate: Callable[[dict], dict]
    upload: UploadRule | None = None
    # A short sentence for the editor, e.g. what to upload.
    help: str = ""
    # Graded types (quiz, assignment) complete only when their grader says the learner passed:
    # the player shows no "mark complete" and progress.mark_complete refuses them.
    graded: bool = False
    # A type whose content is built on its own page (a quiz builder, an assignment editor) names
    # the button label; the page lives at ``editor_href(lesson_id)``.
    editor_label: str = ""
    # What lessons of this type in a course still lack before review, e.g. a quiz without
    # questions: ``missing(session, course_id) -> ["a question in the quiz 'Basics'"]``.
    missing: Callable[[object, int], list[str]] | None = None
    # The course player's panel for a lesson of this type: a function returning a Reflex
    # component that reads the open lesson from LearnState (None: the lesson body only).
    player: Callable[[], object] | None = None
    # Whether the player shows the lesson's Markdown body above the panel (a quiz or an
    # assignment shows its introduction itself).
    shows_body: bool = True
    # The player reports video positions for lessons of this type (resume, 90 % completion).
    tracks_video: bool = False
    # What an admin reviewing the course sees of lessons of this type beyond the body (a quiz's
    # questions with the answers marked, an assignment's rubric), as Markdown per lesson id:
    # ``review(session, lesson_ids) -> {lesson_id: markdown}``, one batch per type. Admin-only.
    review: Callable[[object, list[int]], dict[int, str]] | None = None
    extra: dict = field(default_factory=dict)

    def editor_href(self, lesson_id: int) -> str:
        return f"/teach/lessons/{lesson_id}/{self.key}" if self.editor_label else ""


_KEY = re.compile(r"[a-z][a-z0-9_]{1,23}")


def _registry() -> dict[str, LessonType]:
    """Built from the plugins' (cached) contributions on each call: a handful of types, microseconds."""
    from lms_app.core import plugins

    registry: dict[str, LessonType] = {}
    for lesson_type in plugins.collected("lms_lesson_types"):
        if not _KEY.fullmatch(lesson_type.key):
            raise ValueError(f"bad lesson type key {lesson_type.key!r}")
        if lesson_type.key in registry:
            raise ValueError(f"lesson type {lesson_type.key!r} is registered twice")
        registry[lesson_type.key] = lesson_type
    return registry


def get(key: object) -> LessonType:
    registry = _registry()
    if not isinstance(key, str) or key not in registry:
        raise ServiceError("Choose a lesson type from the list.", "lesson_type")
    return registry[key]


def find(key: object) -> LessonType | None:
    """The type, or None for a key no loaded plugin registers (e.g. a switched-off plugin's lessons)."""
    return _registry().get(key) if isinstance(key, str) else None


def all_types() -> list[LessonType]:
    return list(_registry().values())


# --- file sniffers (by content, never by name) ------------------------------------------------

def is_pdf(head: bytes) -> bool:
    return head.startswith(b"%PDF-")


def is_mp4(head: bytes) -> bool:
    # ISO base media: a box size, then "ftyp" at offset 4.
    return len(head) >= 12 and head[4:8] == b"ftyp"


def is_webm(head: bytes) -> bool:
    return head.startswith(b"\x1a\x45\xdf\xa3")


# --- content checks shared by the built-in types ------------------------------------------

def clean_body(raw: object) -> tuple[str, bool]:
    """Markdown body, with raw HTML and unsafe links neutralised; (text, whether it changed)."""
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise ServiceError("The lesson text must be text.", "body")
    if len(raw) > BODY_MAX:
        raise ServiceError(f"The lesson text is too long: keep it under {BODY_MAX:,} characters.", "body")
    return neutralise(raw)


_VIDEO_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "vimeo.com", "www.vimeo.com",
                "player.vimeo.com"}
_VIDEO_SUFFIXES = (".mp4", ".webm", ".ogg", ".ogv")
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")


def clean_video_url(raw: object) -> str:
    """'' or an http(s) URL of a video file (.mp4/.webm/.ogg) or a YouTube/Vimeo page."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ServiceError("Enter the video's web address.", "video_url")
    url = raw.strip()
    if not url:
        return ""
    if len(url) > 500 or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ServiceError("That video address is not valid.", "video_url")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ServiceError("The video address must start with https:// (or http://).", "video_url")
    if parsed.username or parsed.password:
        raise ServiceError("That video address is not valid.", "video_url")
    host = parsed.hostname.lower()
    if host in _VIDEO_HOSTS:
        if embed_url(url) is None:
            raise ServiceError("Use the address of one YouTube or Vimeo video (its page or share link).",
                               "video_url")
        return url
    if parsed.path.lower().endswith(_VIDEO_SUFFIXES):
        return url
    raise ServiceError("Use a YouTube or Vimeo link, or the address of an .mp4, .webm or .ogg file.", "video_url")


def embed_url(url: str) -> str | None:
    """The iframe address for a YouTube/Vimeo URL, or None for anything else."""
    try:
        parsed = urlparse(url)
    except ValueError:
        return None
    host = (parsed.hostname or "").lower()
    if parsed.scheme not in ("http", "https"):
        return None
    video_id = ""
    if host == "youtu.be":
        video_id = parsed.path.strip("/").split("/")[0]
    elif host.endswith("youtube.com"):
        if parsed.path == "/watch":
            for part in parsed.query.split("&"):
                if part.startswith("v="):
                    video_id = part[2:]
        elif parsed.path.startswith(("/embed/", "/shorts/", "/live/")):
            video_id = parsed.path.split("/")[2] if len(parsed.path.split("/")) > 2 else ""
        if video_id and _YOUTUBE_ID.match(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
        return None
    elif host.endswith("vimeo.com"):
        digits = [p for p in parsed.path.split("/") if p.isdigit()]
        return f"https://player.vimeo.com/video/{digits[0]}" if digits else None
    if host == "youtu.be" and _YOUTUBE_ID.match(video_id):
        return f"https://www.youtube-nocookie.com/embed/{video_id}"
    return None

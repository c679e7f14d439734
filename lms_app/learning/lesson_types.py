"""The built-in content lesson types: text, video and PDF (registered by learning's plugin).

Their players live in ``learning/pages/learn.py``; the checks they share with other types
(Markdown bodies, video addresses) in ``lms_app.core.lesson_types``.
"""

from __future__ import annotations

from lms_app.core.lesson_types import (
    MB,
    LessonType,
    UploadRule,
    clean_body,
    clean_video_url,
    is_mp4,
    is_pdf,
    is_webm,
)


def _validate_text(fields: dict) -> dict:
    body, changed = clean_body(fields.get("body"))
    return {"body": body, "_neutralised": changed}


def _validate_video(fields: dict) -> dict:
    # Optional notes under the video are Markdown too.
    body, changed = clean_body(fields.get("body"))
    return {"video_url": clean_video_url(fields.get("video_url")), "body": body, "_neutralised": changed}


def _validate_pdf(fields: dict) -> dict:
    body, changed = clean_body(fields.get("body"))
    return {"body": body, "_neutralised": changed}


PDF_UPLOAD = UploadRule(max_bytes=50 * MB, kinds=(("application/pdf", ".pdf", is_pdf),), description="a PDF")
VIDEO_UPLOAD = UploadRule(max_bytes=200 * MB,
                          kinds=(("video/mp4", ".mp4", is_mp4), ("video/webm", ".webm", is_webm)),
                          description="an MP4 or WebM video")


def _video_player():
    from lms_app.learning.pages.learn import video_panel

    return video_panel()


def _pdf_player():
    from lms_app.learning.pages.learn import pdf_panel

    return pdf_panel()


TEXT = LessonType("text", "Text", "file-text", ("body",), _validate_text, help="Write the lesson in Markdown.")
VIDEO = LessonType("video", "Video", "circle-play", ("video_url", "body", "file"), _validate_video,
                   upload=VIDEO_UPLOAD, player=_video_player, tracks_video=True,
                   help="Upload an MP4 or WebM file (up to 200 MB), or link a video file, YouTube or Vimeo.")
PDF = LessonType("pdf", "PDF", "file-type", ("body", "file"), _validate_pdf, upload=PDF_UPLOAD, player=_pdf_player,
                 help="Upload a PDF (up to 50 MB).")
CONTENT_TYPES = (TEXT, VIDEO, PDF)

"""Lesson uploads are streamed: the handler hands the upload's file to the service, which reads it
in bounded chunks into storage and stops at the limit (a 200 MB video never sits in memory)."""

from __future__ import annotations

import io
from pathlib import Path

from authoring_support import PDF, build_course

import reflex as rx
from lms_app.authoring.pages.course_editor import CourseEditorState
from lms_app.authoring.services import courses as authoring
from lms_app.core import storage
from lms_app.core.courses import Lesson
from lms_app.core.db import session_scope
from lms_app.core.settings import get_settings

MB = 1024 * 1024


class StrictFile(io.RawIOBase):
    """An upload's file that fails the test when read whole (``read()``/``read(-1)``) or in pieces
    larger than ``storage.CHUNK``; counts what was read."""

    def __init__(self, data: bytes):
        super().__init__()
        self.buffer = io.BytesIO(data)
        self.consumed = 0
        self.largest = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size is not None and 0 < size <= storage.CHUNK, f"read({size}) is not a bounded chunk"
        self.largest = max(self.largest, size)
        data = self.buffer.read(size)
        self.consumed += len(data)
        return data


def editor(states, token, course_id):
    root = states.root(token, path=f"/teach/courses/{course_id}", query={"course_id": str(course_id)})
    state = states.sub(root, CourseEditorState)
    states.call(state, "load")
    root._clean()
    return root, state


def test_the_upload_is_read_in_bounded_chunks_and_stored_whole(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    c = build_course(teacher, modules=1, lessons=1, lesson_type="pdf")
    token, _ = sign_in(teacher)
    _, state = editor(states, token, c["id"])
    states.call(state, "open_lesson", c["lessons"][0])
    data = PDF + b"0" * (5 * MB)
    upload = StrictFile(data)
    states.call(state, "upload_lesson_file", [rx.UploadFile(file=upload, path=Path("notes.pdf"))])
    assert state.lesson_errors["file"] == "" and state.lesson["file_name"] == "notes.pdf"
    assert upload.consumed == len(data) and upload.largest <= storage.CHUNK
    with session_scope() as s:
        lesson = s.get(Lesson, c["lessons"][0])
    assert lesson.file_size == len(data)
    assert (authoring.lesson_dir(get_settings()) / lesson.file_key).read_bytes() == data


def test_an_oversized_upload_stops_at_the_limit_and_stores_nothing(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    c = build_course(teacher, modules=1, lessons=1, lesson_type="pdf")
    token, _ = sign_in(teacher)
    _, state = editor(states, token, c["id"])
    states.call(state, "open_lesson", c["lessons"][0])
    upload = StrictFile(PDF + b"0" * (60 * MB))  # the PDF limit is 50 MB
    states.call(state, "upload_lesson_file", [rx.UploadFile(file=upload, path=Path("big.pdf"))])
    assert "50 MB" in state.lesson_errors["file"]
    assert upload.consumed <= 50 * MB + storage.CHUNK, "reading stopped at the limit"
    folder = authoring.lesson_dir(get_settings())
    assert not folder.exists() or not any(folder.iterdir()), "no file and no partial file left behind"
    with session_scope() as s:
        assert s.get(Lesson, c["lessons"][0]).file_key is None

"""REST: an assignment for its learner (the player panel's services): the assignment and my
submission with its grade and feedback, submit text, attach and remove files, download a file
of my submission (or of one I review), and give a peer review I was assigned.

The rules (enrolled, sequential mode, changeable until graded or peer-reviewed, file kinds and
sizes sniffed from the content, 5 files, one submission per learner) are the services'."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Path, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from lms_app.api.app import upload
from lms_app.api.deps import require
from lms_app.api.dto import model_of
from lms_app.api.errors import not_found, responses
from lms_app.api.services.tokens import Principal
from lms_app.assignments.services import peer_review, submissions, views
from lms_app.assignments.views import (AssignmentSettingsView, CriterionView, FileView, MySubmissionView,
                                       ReviewTaskView)
from lms_app.core import storage, storage_http
from lms_app.core.db import run_db
from lms_app.core.settings import get_settings

router = APIRouter(tags=["assignments"])
LESSON = Path(ge=1, le=2_147_483_647)
FILE = Path(ge=1, le=2_147_483_647)
REVIEW = Path(ge=1, le=2_147_483_647)
FILE_PATH = "/api/v1/submission-files/{id}"


class AssignmentPanel(BaseModel):
    role: str
    settings: model_of(AssignmentSettingsView)
    criteria: list[model_of(CriterionView)]
    submission: model_of(MySubmissionView)
    files: list[model_of(FileView)]
    tasks: list[model_of(ReviewTaskView)] = Field(description="Peer reviews I was given (anonymous)")


class TextRequest(BaseModel):
    text: str = Field(max_length=submissions.TEXT_MAX)


class PeerReviewRequest(BaseModel):
    scores: dict[str, int] = Field(max_length=100, description="{criterion id: chosen level index}")
    feedback: str = Field(default="", max_length=5000)


class PeerReviewDone(BaseModel):
    graded: bool = Field(description="This review completed the submission's grade")


def _api_files(files: list[dict]) -> list[dict]:
    return [{**f, "url": FILE_PATH.format(id=f["id"])} for f in files]


def _panel(session, actor, lesson_id: int) -> AssignmentPanel:
    data = views.panel(session, actor, lesson_id)
    tasks = [{**t, "files": _api_files(t["files"])} for t in data["tasks"]]
    return AssignmentPanel(role=data["role"], settings=data["settings"], criteria=data["criteria"],
                           submission=data["submission"], files=_api_files(data["files"]), tasks=tasks)


def _submit_text(session, actor, lesson_id: int, text: str) -> AssignmentPanel:
    submissions.submit_text(session, actor, lesson_id, text)
    return _panel(session, actor, lesson_id)


def _add_file(session, actor, lesson_id: int, data: bytes, name: str) -> AssignmentPanel:
    submissions.add_file(session, get_settings(), actor, lesson_id, data, name)
    return _panel(session, actor, lesson_id)


def _remove_file(session, actor, lesson_id: int, file_id: int) -> AssignmentPanel:
    submissions.remove_file(session, get_settings(), actor, lesson_id, file_id)
    return _panel(session, actor, lesson_id)


def _file(session, actor, file_id: int):
    """(storage key, MIME type, name) of a file this caller may read, or None."""
    return submissions.readable_file(session, get_settings(), actor, file_id)


@router.get("/assignments/{lesson_id}", response_model=AssignmentPanel, responses=responses(401, 403, 422, 429),
            summary="An assignment: settings, rubric, my submission with its grade and feedback, my peer reviews")
async def assignment(lesson_id: int = LESSON, principal: Principal = Depends(require("read"))) -> AssignmentPanel:
    return await run_db(_panel, principal.actor, lesson_id)


@router.put("/assignments/{lesson_id}/submission", response_model=AssignmentPanel,
            responses=responses(401, 403, 422, 429),
            summary="Submit (or change) my written answer; refused once graded or peer-reviewed")
async def submit_text(body: TextRequest, lesson_id: int = LESSON,
                      principal: Principal = Depends(require("learn"))) -> AssignmentPanel:
    return await run_db(_submit_text, principal.actor, lesson_id, body.text)


@router.post("/assignments/{lesson_id}/files", response_model=AssignmentPanel,
             responses=responses(401, 403, 422, 429),
             summary="Attach a file to my submission (PDF, image or ZIP, 20 MB, 5 files; multipart field 'file')")
@upload(submissions.UPLOAD.max_bytes)
async def add_file(lesson_id: int = LESSON, file: UploadFile = File(...),
                   principal: Principal = Depends(require("learn"))) -> AssignmentPanel:
    # The spooled upload, streamed to storage in chunks by the service (stopped at the limit).
    return await run_db(_add_file, principal.actor, lesson_id, file.file, file.filename or "")


@router.delete("/assignments/{lesson_id}/files/{file_id}", response_model=AssignmentPanel,
               responses=responses(401, 403, 422, 429), summary="Remove a file from my submission")
async def remove_file(lesson_id: int = LESSON, file_id: int = FILE,
                      principal: Principal = Depends(require("learn"))) -> AssignmentPanel:
    return await run_db(_remove_file, principal.actor, lesson_id, file_id)


@router.get("/submission-files/{file_id}", response_class=Response, responses={
    200: {"content": {mime: {"schema": {"type": "string", "format": "binary"}} for mime, *_ in submissions.UPLOAD.kinds},
          "description": "The file, in the kind its content was recognised as"}, **responses(401, 403, 404, 429)},
    summary="Download a file of my submission, of one I review, or (staff) of my course")
async def submission_file(file_id: int = FILE, principal: Principal = Depends(require("read"))) -> Response:
    found = await run_db(_file, principal.actor, file_id)
    if found is None:
        raise not_found("That file")
    key, mime, name = found
    safe = "".join(ch for ch in name if ch.isalnum() or ch in " ._-")[:120] or "submission"
    sent = storage_http.send(storage.get_storage(get_settings()), key, media_type=mime, headers={
        "Content-Disposition": f'attachment; filename="{safe}"', "X-Content-Type-Options": "nosniff"})
    if sent.status_code == 404:
        raise not_found("That file")
    return sent


@router.post("/peer-reviews/{review_id}", response_model=PeerReviewDone, responses=responses(401, 403, 422, 429),
             summary="Give a peer review I was assigned (once)")
async def give_review(body: PeerReviewRequest, review_id: int = REVIEW,
                      principal: Principal = Depends(require("learn"))) -> PeerReviewDone:
    graded = await run_db(peer_review.submit_review, principal.actor, review_id, body.scores, body.feedback)
    return PeerReviewDone(graded=bool(graded))

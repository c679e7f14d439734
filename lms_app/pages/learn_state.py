"""State of the course player (/learn/<course>/<lesson>): access, progress, video position, time.

The page's data is empty until ``load`` has checked, on the server, who is asking
(course_access.lesson_page): preview lessons of published courses open for anyone, everything
else only for the teacher, admins and enrolled learners. Others get a "sign in / enroll" state
with the lesson's title only; the content never reaches their browser.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

import reflex as rx

from lms_app.db import run_db
from lms_app.models.authoring_views import LessonContentView, OutlineRow
from lms_app.services import course_access
from lms_app.services import progress
from lms_app.services.errors import ServiceError
from lms_app.services.permissions import LEARNER_AREA
from lms_app.state.guard import current_actor, guarded, public, resolve


# [currentTime, duration] of the lesson's player (the page has one video element).
_READ_PLAYER = ("(() => { const v = document.querySelector('#lesson-video video') || document.querySelector('video');"
                " return v ? [v.currentTime || 0, Number.isFinite(v.duration) ? v.duration : 0] : null; })()")


def _blank_lesson() -> LessonContentView:
    return LessonContentView(id=0, title="", lesson_type="", type_label="", body="", video_url="", embed_url="",
                             file_url="", file_name="", file_size_label="", is_preview=False, module_title="",
                             duration_label="", graded=False)


class LearnState(rx.State):
    view: str = "loading"  # loading | ok | locked | missing
    course_title: str = ""
    course_slug: str = ""
    content: LessonContentView = _blank_lesson()
    outline: list[OutlineRow] = []
    locked_title: str = ""
    signed_in: bool = False
    as_learner: bool = False
    # Where "Sign in" on a locked lesson leads: back to this lesson afterwards.
    sign_in_href: str = "/login"
    # Progress of an enrolled learner (tracking is False for staff, previews and the signed out).
    tracking: bool = False
    sequential_locked: bool = False
    completed: bool = False
    done_count: int = 0
    total_count: int = 0
    percent: int = 0
    start_seconds: int = 0
    sidebar_open: bool = False
    _last_saved: int = -1
    _duration: int = 0
    _sequential: bool = False

    @rx.event
    @public
    async def load(self):
        """Public by design: preview lessons open signed out. The access check is server-side."""
        self.view, self.content, self.outline, self.locked_title = "loading", _blank_lesson(), [], ""
        # /learn/<course>/<lesson>: read from the URL (RouterData.page is deprecated since 0.8.1).
        parts = self.router.url.path.strip("/").split("/")
        course_ref, lesson_ref = (parts[1], parts[2]) if len(parts) == 3 and parts[0] == "learn" else ("", "")
        found = await resolve(self)
        actor = found[0] if found else None
        self.signed_in = actor is not None
        self.sign_in_href = "/login?next=" + quote(self.router.url.path, safe="")
        self.as_learner = self.router.url.query_parameters.get("as") == "learner"
        result = await run_db(course_access.lesson_page, actor, unquote(course_ref), lesson_ref, self.as_learner)
        self.course_title, self.course_slug = result.course_title, result.course_slug
        self.tracking, self.sequential_locked, self.completed = result.tracking, result.sequential, result.completed
        self.done_count, self.total_count, self.percent = result.done, result.total, result.percent
        self.start_seconds, self._last_saved, self.sidebar_open = result.position, result.position, False
        self._sequential, self._duration = result.course_sequential, 0
        if result.state == "ok":
            self.content, self.outline = result.lesson, result.outline
        elif result.state == "locked":
            self.locked_title, self.outline = result.locked_title, result.outline or []
        self.view = result.state

    def _lesson_id(self) -> int:
        return int(self.content["id"] or 0)

    def _apply(self, summary: progress.CourseProgress) -> None:
        self.done_count, self.total_count, self.percent = summary.done, summary.total, summary.percent
        lesson_id = self._lesson_id()
        rows = [{**row, "done": self.completed} if row["id"] == lesson_id else row for row in self.outline]
        locked = progress.locked_ids([r["id"] for r in rows], {r["id"] for r in rows if r["done"]}, self._sequential)
        self.outline = [{**row, "locked": row["id"] in locked} for row in rows]

    @rx.event
    @guarded(LEARNER_AREA)
    async def mark_complete(self):
        """Completes the lesson on screen (its id comes from this server-side state, not the client)."""
        return await self._set_complete(True)

    @rx.event
    @guarded(LEARNER_AREA)
    async def mark_incomplete(self):
        return await self._set_complete(False)

    async def _set_complete(self, complete: bool):
        if not self.tracking or not self._lesson_id():
            return rx.toast.error("Enroll in the course to record your progress.")
        try:
            summary = await run_db(progress.mark_complete, current_actor(), self._lesson_id(), complete)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self.completed = complete
        self._apply(summary)

    @rx.event
    @public
    def poll_position(self):
        """Public by design: asks this tab's player for its time; saving is the guarded save_position.

        Player events (throttled time updates, seeking, pause) trigger it; reading the element
        itself does not depend on the shape of react-player's event objects.
        """
        if self.tracking and self.content["lesson_type"] == "video":
            return rx.call_script(_READ_PLAYER, callback=LearnState.save_position)

    @rx.event
    @guarded(LEARNER_AREA)
    async def save_position(self, position):
        """[current time, duration] of the video; completes the lesson at ≥ 90 % watched."""
        if not self.tracking or not self._lesson_id() or self.content["lesson_type"] != "video":
            return
        if isinstance(position, list) and len(position) == 2:
            position, duration = position
            if (value := progress._seconds(duration)) and not self._duration:
                self._duration = value
        return await self._save(progress._seconds(position))

    async def _save(self, value: int | None):
        if value is None or value == self._last_saved:
            return
        try:
            done, summary = await run_db(progress.save_position, current_actor(), self._lesson_id(), value,
                                         self._duration)
        except ServiceError:
            return
        self._last_saved, self.start_seconds = value, value
        if done and not self.completed:
            self.completed = True
            self._apply(summary)
            return rx.toast.success("Lesson complete")

    @rx.event
    @public
    def beat(self):
        """Public by design: only asks the browser whether the tab is visible (touches no data)."""
        if self.tracking:
            return rx.call_script("document.visibilityState", callback=LearnState.record_beat)

    @rx.event
    @guarded(LEARNER_AREA)
    async def record_beat(self, visibility: str):
        """Time spent: one beat per 30 s while the tab is visible; the server caps each increment."""
        if visibility != "visible" or not self.tracking or not self._lesson_id():
            return
        try:
            await run_db(progress.heartbeat, current_actor(), self._lesson_id())
        except ServiceError:
            return

    @rx.event
    @public
    def toggle_sidebar(self):
        """Public by design: flips a layout flag of this tab only."""
        self.sidebar_open = not self.sidebar_open

    @rx.var
    def video_src(self) -> str:
        """File/URL videos resume at the saved position with a media fragment (#t=)."""
        src = self.content["file_url"] or self.content["video_url"]
        if src and self.start_seconds > 0 and not self.completed:
            return f"{src}#t={self.start_seconds}"
        return src

    @rx.var
    def embed_src(self) -> str:
        src = self.content["embed_url"]
        if src and self.start_seconds > 0 and not self.completed:
            return f"{src}?start={self.start_seconds}" if "youtube" in src else f"{src}#t={self.start_seconds}s"
        return src

    @rx.var
    def prev_href(self) -> str:
        ids = [row["id"] for row in self.outline]
        if self.content["id"] in ids and (i := ids.index(self.content["id"])) > 0:
            return f"/learn/{self.course_slug}/{ids[i - 1]}" + ("?as=learner" if self.as_learner else "")
        return ""

    @rx.var
    def next_href(self) -> str:
        ids = [row["id"] for row in self.outline]
        if self.content["id"] in ids and (i := ids.index(self.content["id"])) < len(ids) - 1:
            if self.outline[i + 1]["locked"]:
                return ""
            return f"/learn/{self.course_slug}/{ids[i + 1]}" + ("?as=learner" if self.as_learner else "")
        return ""

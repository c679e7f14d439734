"""State of the course player (/learn/<course>/<lesson>): access, progress, video position, time.

The page's data is empty until ``load`` has checked, on the server, who is asking
(course_access.lesson_page): preview lessons of published courses open for anyone, everything
else only for the teacher, admins and enrolled learners. Others get a "sign in / enroll" state
with the lesson's title only; the content never reaches their browser.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

import reflex as rx

from lms_app.core.db import run_db
from lms_app.authoring.views import LessonContentView, OutlineRow
from lms_app.learning.services import course_access
from lms_app.learning.services import completion, progress
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import LEARNER_AREA
from lms_app.core.guard import current_actor, guarded, public, resolve


# [currentTime, duration] of the lesson's player: its <video> element, or for a YouTube/Vimeo embed
# the time their postMessage API last reported to assets/player_hooks.js (for this lesson only).
_READ_PLAYER = ("(() => {{ const v = document.querySelector('#lesson-video video') || document.querySelector('video');"
                " if (v) return [v.currentTime || 0, Number.isFinite(v.duration) ? v.duration : 0];"
                " const e = window.__lmsEmbed; return e && e[2] === {lesson_id} ? [e[0], e[1]] : null; }})()")


def player_sources(content: LessonContentView, start: int, completed: bool) -> tuple[str, str]:
    """(video src, embed src) for one visit of the page, resuming at ``start`` unless completed.

    Fixed when the lesson loads: a src that changed while the video plays (a save moving the
    resume point, the lesson completing at 90 %) would make the browser reload the video and stop it.
    File/URL videos resume with a media fragment (#t=); YouTube/Vimeo get their postMessage API
    switched on, so assets/player_hooks.js hears their time, and their own start parameter.
    """
    start = start if start > 0 and not completed else 0
    src = content["file_url"] or content["video_url"]
    video = f"{src}#t={start}" if src and start else src
    embed = content["embed_url"]
    if embed:
        embed = (f"{embed}?enablejsapi=1" + (f"&start={start}" if start else "")) if "youtube" in embed \
            else (f"{embed}?api=1" + (f"#t={start}s" if start else ""))
    return video, embed


def _blank_lesson() -> LessonContentView:
    return LessonContentView(id=0, title="", lesson_type="", type_label="", body="", video_url="", embed_url="",
                             file_url="", file_name="", file_size_label="", is_preview=False, module_title="",
                             duration_label="", graded=False, has_panel=False, shows_body=True,
                             tracks_video=False, review_md="")


class LearnState(rx.State):
    view: str = "loading"  # loading | ok | locked | missing
    course_title: str = ""
    course_slug: str = ""
    content: LessonContentView = _blank_lesson()
    # The outline is sent once per lesson load; what changes as the learner completes lessons is
    # kept in two small vars, so "mark complete" sends bytes, not the whole outline again:
    # done_mask[i] is "1" when outline row i is complete; rows after open_until are locked
    # (sequential mode; -1: nothing is locked).
    outline: list[OutlineRow] = []
    done_mask: str = ""
    open_until: int = -1
    prev_href: str = ""
    next_href: str = ""
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
    video_src: str = ""
    embed_src: str = ""
    sidebar_open: bool = False
    # The course's completion rule (learning.services.completion), for the notes under the lesson.
    video_by_watching: bool = False
    video_note: str = ""
    reading_note: str = ""
    _last_saved: int = -1
    _duration: int = 0
    _sequential: bool = False

    @rx.event
    @public
    async def load(self):
        """Public by design: preview lessons open signed out. The access check is server-side."""
        self.view, self.content, self.outline, self.locked_title = "loading", _blank_lesson(), [], ""
        self.video_src = self.embed_src = ""
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
            self.video_src, self.embed_src = player_sources(result.lesson, result.position, result.completed)
        elif result.state == "locked":
            self.locked_title, self.outline = result.locked_title, result.outline or []
        self.done_mask = "".join("1" if row["done"] else "0" for row in self.outline)
        self._relock()
        if result.tracking and result.state == "ok":
            self.video_by_watching, self.video_note, self.reading_note = await run_db(
                completion.player_notes, result.course_slug)
        self.view = result.state

    def _lesson_id(self) -> int:
        return int(self.content["id"] or 0)

    def _relock(self) -> None:
        """open_until and the previous/next links from done_mask (progress.locked_ids is the rule)."""
        ids = [row["id"] for row in self.outline]
        done = {lesson_id for lesson_id, flag in zip(ids, self.done_mask) if flag == "1"}
        locked = progress.locked_ids(ids, done, self._sequential) if self.tracking else set()
        self.open_until = min(ids.index(lesson_id) for lesson_id in locked) - 1 if locked else -1
        here = ids.index(self.content["id"]) if self.content["id"] in ids else -1
        suffix = "?as=learner" if self.as_learner else ""
        prev_href = f"/learn/{self.course_slug}/{ids[here - 1]}{suffix}" if here > 0 else ""
        next_href = f"/learn/{self.course_slug}/{ids[here + 1]}{suffix}" \
            if 0 <= here < len(ids) - 1 and ids[here + 1] not in locked else ""
        # Assigning marks a var as changed even with the same value: keep unchanged links out of the delta.
        if (prev_href, next_href) != (self.prev_href, self.next_href):
            self.prev_href, self.next_href = prev_href, next_href

    def _apply(self, summary: progress.CourseProgress) -> None:
        self.done_count, self.total_count, self.percent = summary.done, summary.total, summary.percent
        ids = [row["id"] for row in self.outline]
        if self._lesson_id() in ids:
            i = ids.index(self._lesson_id())
            self.done_mask = self.done_mask[:i] + ("1" if self.completed else "0") + self.done_mask[i + 1:]
        self._relock()

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
        if self.tracking and self.content["tracks_video"]:
            return rx.call_script(_READ_PLAYER.format(lesson_id=self._lesson_id()), callback=LearnState.save_position)

    @rx.event
    @guarded(LEARNER_AREA)
    async def save_position(self, position):
        """[current time, duration] of the video; completes the lesson at ≥ 90 % watched."""
        if not self.tracking or not self._lesson_id() or not self.content["tracks_video"]:
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
        # start_seconds acknowledges the save to the tab (a few bytes); the playing video's src
        # does not depend on it (player_sources is fixed per load).
        self._last_saved = self.start_seconds = value
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


"""Community pages: the Q&A panel (under every lesson in the player and on the course's
``/community/<slug>`` page with its announcements and a message box to the teacher), the
teacher's ``/teach/community`` (unanswered questions and the report queue) and ``/messages``.

The handlers never take the course, lesson, role or owner from the browser: the course comes from
the route (or ``LearnState`` on the server), ids the page names are checked by the services.
A new answer is appended to ``new_answers`` (only it is sent), not to the loaded page of answers.
"""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from lms_app.community import services
from lms_app.core.auth_state import AuthState
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded, public, session_token
from lms_app.core.permissions import LEARNER_AREA, TEACHER_AREA
from lms_app.learning.pages.learn_state import LearnState
from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell

PREFIX = "/community/"


class ThreadRow(TypedDict):
    id: int
    title: str
    author: str
    excerpt: str
    answers: int
    upvotes: int
    answered: bool
    teacher_answered: bool
    hidden: bool
    locked: bool
    lesson_id: int
    when: str


class PostRow(TypedDict):
    id: int
    author: str
    body: str
    staff: bool
    upvotes: int
    voted: bool
    own: bool
    accepted: bool
    hidden: bool
    when: str


def _blank_post() -> PostRow:
    return PostRow(id=0, author="", body="", staff=False, upvotes=0, voted=False, own=False, accepted=False,
                   hidden=False, when="")


def _slug(path: str) -> str:
    return path[len(PREFIX):].strip("/").split("/")[0] if isinstance(path, str) and path.startswith(PREFIX) else ""


class QnAState(rx.State):
    loaded: bool = False
    error: str = ""
    staff: bool = False
    sort: str = "newest"
    q: str = ""
    threads: list[ThreadRow] = []
    next_cursor: str = ""
    # The open thread.
    open_id: int = 0
    open_title: str = ""
    open_locked: bool = False
    question: PostRow = _blank_post()
    answers: list[PostRow] = []
    new_answers: list[PostRow] = []
    answers_next: str = ""
    following: bool = False
    accepted_id: int = 0
    can_answer: bool = False
    busy: str = ""
    ask_open: bool = False
    _course_id: int = 0
    _lesson_id: int = 0

    async def _list(self, more: bool = False) -> None:
        data = await run_db(services.list_threads, current_actor(), self._course_id, self._lesson_id or None,
                            self.sort, self.q, self.next_cursor if more else "")
        self.threads = (self.threads + data["threads"]) if more else data["threads"]
        self.next_cursor, self.staff, self.loaded, self.error = data["next"], data["staff"], True, ""

    def _reset(self) -> None:
        self.threads, self.next_cursor, self.open_id, self.answers, self.new_answers = [], "", 0, [], []
        self.loaded, self.error, self.q, self.sort, self.ask_open = False, "", "", "newest", False

    @rx.event
    @guarded(LEARNER_AREA)
    async def load_lesson(self):
        """The questions of the lesson open in this tab's player (read from LearnState on the server)."""
        learn = await self.get_state(LearnState)
        self._reset()
        if learn.view != "ok":
            return
        lesson_id = learn._lesson_id()
        from lms_app.core.courses import Lesson

        course_id = await run_db(lambda s: s.get(Lesson, lesson_id).course_id if s.get(Lesson, lesson_id) else 0)
        self._course_id, self._lesson_id = course_id, lesson_id
        try:
            await self._list()
        except ServiceError:
            self.loaded, self.error = True, "hidden"

    @rx.event
    @guarded(LEARNER_AREA)
    async def load_course(self):
        self._reset()
        try:
            member = await run_db(services.course_by_slug, current_actor(), _slug(self.router.url.path))
        except ServiceError as exc:
            self.loaded, self.error = True, exc.message
            return
        self._course_id, self._lesson_id = member.course.id, 0
        await self._list()
        thread = self.router.url.query_parameters.get("thread", "")
        if thread:
            await self._open(thread)

    @rx.event
    @guarded(LEARNER_AREA)
    async def choose_sort(self, sort: str):
        if sort in services.SORTS and self._course_id:
            self.sort = sort
            await self._list()

    @rx.event
    @guarded(LEARNER_AREA)
    async def search(self, form: dict):
        if self._course_id:
            q = form.get("q", "") if isinstance(form, dict) else ""
            self.q = q[:100] if isinstance(q, str) else ""
            await self._list()

    @rx.event
    @guarded(LEARNER_AREA)
    async def more(self):
        if self._course_id and self.next_cursor:
            await self._list(more=True)

    @rx.event
    @guarded(LEARNER_AREA)
    async def toggle_ask(self):
        self.ask_open = not self.ask_open

    @rx.event
    @guarded(LEARNER_AREA)
    async def ask(self, form: dict):
        if not self._course_id or not isinstance(form, dict):
            return
        self.busy = "ask"
        yield
        try:
            row = await run_db(services.ask, current_actor(), self._course_id, self._lesson_id or None,
                               form.get("title"), form.get("body"))
        except ServiceError as exc:
            self.busy = ""
            yield rx.toast.error(exc.message)
            return
        self.busy, self.ask_open = "", False
        self.threads = [row, *self.threads]
        yield rx.toast.success("Question posted.")

    async def _open(self, thread_id) -> None:
        data = await run_db(services.thread_detail, current_actor(), thread_id)
        self.open_id, self.open_title = data["thread"]["id"], data["thread"]["title"]
        self.open_locked, self.question = data["thread"]["locked"], data["question"] or _blank_post()
        self.answers, self.new_answers, self.can_answer = data["answers"], [], data["can_answer"]
        self.accepted_id, self.following = data["accepted_id"], data["following"]
        self.answers_next = data["next"]

    @rx.event
    @guarded(LEARNER_AREA)
    async def toggle_follow(self):
        """Follow or stop following the open thread (new answers notify followers)."""
        if not self.open_id:
            return
        try:
            self.following = await run_db(services.follow, current_actor(), self.open_id, not self.following)
        except ServiceError as exc:
            yield rx.toast.error(exc.message)

    @rx.event
    @guarded(LEARNER_AREA)
    async def more_answers(self):
        """The next page of answers of the open thread."""
        if not self.open_id or not self.answers_next:
            return
        data = await run_db(services.thread_detail, current_actor(), self.open_id, self.answers_next)
        self.answers = self.answers + data["answers"]
        self.answers_next = data["next"]

    @rx.event
    @guarded(LEARNER_AREA)
    async def open_thread(self, thread_id: int):
        try:
            await self._open(thread_id)
        except ServiceError as exc:
            yield rx.toast.error(exc.message)

    @rx.event
    @guarded(LEARNER_AREA)
    async def close_thread(self):
        self.open_id, self.answers, self.new_answers = 0, [], []

    @rx.event
    @guarded(LEARNER_AREA)
    async def answer(self, form: dict):
        if not self.open_id or not isinstance(form, dict):
            return
        self.busy = "answer"
        yield
        try:
            row = await run_db(services.answer, current_actor(), self.open_id, form.get("body"))
        except ServiceError as exc:
            self.busy = ""
            yield rx.toast.error(exc.message)
            return
        self.busy = ""
        self.new_answers = [*self.new_answers, row]  # only the new post is sent
        yield [rx.toast.success("Answer posted."), rx.set_value("answer-body", "")]

    async def _refresh_open(self) -> None:
        if self.open_id:
            await self._open(self.open_id)

    @rx.event
    @guarded(LEARNER_AREA)
    async def vote(self, post_id: int, up: bool):
        try:
            await run_db(services.vote, current_actor(), post_id, up)
        except ServiceError as exc:
            yield rx.toast.error(exc.message)
            return
        await self._refresh_open()

    @rx.event
    @guarded(LEARNER_AREA)
    async def accept(self, post_id: int):
        try:
            result = await run_db(services.accept, current_actor(), post_id)
        except ServiceError as exc:
            yield rx.toast.error(exc.message)
            return
        self.accepted_id = result["accepted_post_id"]
        await self._refresh_open()

    @rx.event
    @guarded(LEARNER_AREA)
    async def report(self, form: dict):
        if not isinstance(form, dict):
            return
        try:
            await run_db(services.report, current_actor(), form.get("post_id"), form.get("reason"))
        except ServiceError as exc:
            yield rx.toast.error(exc.message)
            return
        yield rx.toast.success("Thank you: a moderator will look at it.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def moderate(self, post_id: int, action: str):
        try:
            result = await run_db(services.moderate, current_actor(), post_id, action)
        except ServiceError as exc:
            yield rx.toast.error(exc.message)
            return
        if action == "delete" and result["post_id"] == self.question["id"]:
            self.open_id = 0
        else:
            await self._refresh_open()
        await self._list()
        yield rx.toast.success("Done.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def mute(self, post_id: int):
        try:
            await run_db(services.set_mute, current_actor(), post_id, True)
        except ServiceError as exc:
            yield rx.toast.error(exc.message)
            return
        yield rx.toast.success("The author is muted in this course.")


class CourseCommunityState(rx.State):
    """Announcements and the message box of ``/community/<slug>``."""

    course_title: str = ""
    slug: str = ""
    staff: bool = False
    announcements: list[dict[str, str]] = []
    # The course's moderation log, for its staff only (services.moderation_log checks it too).
    moderation: list[dict[str, str]] = []
    conversation_id: int = 0
    busy: str = ""
    _course_id: int = 0

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        self.course_title, self.announcements, self.conversation_id, self._course_id = "", [], 0, 0
        self.moderation = []
        try:
            member = await run_db(services.course_by_slug, current_actor(), _slug(self.router.url.path))
        except ServiceError:
            return
        self._course_id, self.course_title, self.slug, self.staff = (member.course.id, member.course.title,
                                                                     member.course.slug, member.staff)
        rows = await run_db(services.announcements, current_actor(), member.course.id)
        self.announcements = [{k: str(v) for k, v in r.items()} for r in rows]
        if not member.staff:
            self.conversation_id = await run_db(services.my_conversation_id, current_actor(), member.course.id)
        else:
            log = await run_db(services.moderation_log, current_actor(), member.course.id)
            self.moderation = [{k: str(v) for k, v in r.items()} for r in log]

    @rx.event
    @guarded(TEACHER_AREA)
    async def announce(self, form: dict):
        if not self._course_id or not isinstance(form, dict):
            return
        self.busy = "announce"
        yield
        try:
            row = await run_db(services.post_announcement, current_actor(), self._course_id, form.get("title"),
                               form.get("body"), form.get("email") == "on")
        except ServiceError as exc:
            self.busy = ""
            yield rx.toast.error(exc.message)
            return
        self.busy = ""
        self.announcements = [{k: str(v) for k, v in row.items()}, *self.announcements]
        yield rx.toast.success("Announcement posted to every enrolled learner.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def message_teacher(self, form: dict):
        if not self._course_id or not isinstance(form, dict):
            return
        self.busy = "message"
        yield
        try:
            row = await run_db(services.send_to_teacher, current_actor(), self._course_id, form.get("body"))
        except ServiceError as exc:
            self.busy = ""
            yield rx.toast.error(exc.message)
            return
        self.busy, self.conversation_id = "", row["conversation_id"]
        yield [rx.toast.success("Message sent to the teacher."), rx.set_value("message-body", "")]


class DashboardAnnouncementsState(rx.State):
    """The newest announcements of the learner's courses, on /dashboard."""

    items: list[dict[str, str]] = []
    unread: int = 0

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        actor = current_actor()
        rows = await run_db(services.my_announcements, actor)
        self.items = [{k: str(v) for k, v in r.items()} for r in rows]
        self.unread = await run_db(services.unread_count, actor)


class CoursePageAnnouncementsState(rx.State):
    """The newest announcements on the public course page, for the course's members only."""

    items: list[dict[str, str]] = []
    slug: str = ""

    @rx.event
    @public
    async def load(self):
        """Public by design (the course page is): the service answers members of the course only
        and nothing to anyone else; the user comes from the HttpOnly session cookie."""
        path = self.router.url.path or ""
        slug = path.strip("/").split("/")[1] if path.startswith("/courses/") and path.count("/") >= 2 else ""
        found = await run_db(services.course_page_announcements, session_token(self), slug)
        self.items = [{k: str(v) for k, v in r.items()} for r in found["items"]]
        self.slug = found["slug"]


class InboxState(rx.State):
    conversations: list[dict[str, str]] = []
    next_cursor: str = ""
    open_id: int = 0
    open_with: str = ""
    open_course: str = ""
    messages: list[dict[str, str]] = []
    new_messages: list[dict[str, str]] = []
    loaded: bool = False
    busy: bool = False

    async def _inbox(self) -> None:
        data = await run_db(services.inbox, current_actor())
        self.conversations = [{k: str(v) for k, v in c.items()} for c in data["conversations"]]
        self.next_cursor, self.loaded = data["next"], True

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        self.open_id, self.messages, self.new_messages = 0, [], []
        await self._inbox()

    @rx.event
    @guarded(LEARNER_AREA)
    async def more(self):
        if self.next_cursor:
            data = await run_db(services.inbox, current_actor(), self.next_cursor)
            self.conversations = self.conversations + [{k: str(v) for k, v in c.items()}
                                                       for c in data["conversations"]]
            self.next_cursor = data["next"]

    @rx.event
    @guarded(LEARNER_AREA)
    async def open_conversation(self, conversation_id: int):
        try:
            data = await run_db(services.conversation, current_actor(), conversation_id)
        except ServiceError as exc:
            yield rx.toast.error(exc.message)
            return
        self.open_id, self.open_with, self.open_course = data["id"], data["with"], data["course"]
        self.messages = [{k: str(v) for k, v in m.items()} for m in data["messages"]]
        self.new_messages = []
        await self._inbox()

    @rx.event
    @guarded(LEARNER_AREA)
    async def reply(self, form: dict):
        if not self.open_id or not isinstance(form, dict):
            return
        self.busy = True
        yield
        try:
            row = await run_db(services.reply, current_actor(), self.open_id, form.get("body"))
        except ServiceError as exc:
            self.busy = False
            yield rx.toast.error(exc.message)
            return
        self.busy = False
        self.new_messages = [*self.new_messages, {k: str(v) for k, v in row.items()}]
        yield rx.set_value("reply-body", "")


class TeachCommunityState(rx.State):
    unanswered: list[dict[str, str]] = []
    reports: list[dict[str, str]] = []
    next_cursor: str = ""
    loaded: bool = False

    async def _load(self) -> None:
        actor = current_actor()
        rows = await run_db(services.unanswered_for_teacher, actor)
        self.unanswered = [{k: str(v) for k, v in r.items()} for r in rows]
        data = await run_db(services.report_queue, actor)
        self.reports = [{k: str(v) for k, v in r.items()} for r in data["reports"]]
        self.next_cursor, self.loaded = data["next"], True

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self):
        await self._load()

    @rx.event
    @guarded(TEACHER_AREA)
    async def hide(self, post_id: int):
        try:
            await run_db(services.moderate, current_actor(), post_id, "hide")
        except ServiceError as exc:
            yield rx.toast.error(exc.message)
            return
        await self._load()
        yield rx.toast.success("Post hidden.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def dismiss(self, report_id: int):
        try:
            await run_db(services.dismiss_report, current_actor(), report_id)
        except ServiceError as exc:
            yield rx.toast.error(exc.message)
            return
        await self._load()


# --- components ------------------------------------------------------------------------------

Q = QnAState
MUTED = rx.color("gray", 11)


def _md(text) -> rx.Component:
    """User Markdown (neutralised on save) rendered without raw HTML."""
    return rx.box(rx.markdown(text, use_raw=False), class_name="lms-user-markdown", width="100%")


def _thread_item(t) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                # prevent_default: following href="#" is a navigation, which re-ran the page's
                # on_load and closed the thread again on /community/<slug>.
                rx.link(t["title"], on_click=[rx.prevent_default, Q.open_thread(t["id"])], weight="medium", href="#",
                        aria_label="Open question: " + t["title"]),
                rx.text(t["excerpt"], size="2", color=MUTED, trim="both"),
                rx.hstack(
                    rx.text(t["author"], " · ", t["when"], size="1", color=MUTED),
                    rx.cond(t["answered"], rx.badge("Answered", color_scheme="green", variant="soft")),
                    rx.cond(t["teacher_answered"], rx.badge("Teacher replied", color_scheme="blue", variant="soft")),
                    rx.cond(t["hidden"], rx.badge("Hidden", color_scheme="red", variant="soft")),
                    rx.cond(t["locked"], rx.badge("Locked", color_scheme="gray", variant="soft")),
                    spacing="2", wrap="wrap", align="center",
                ),
                spacing="1", align="start", width="100%",
            ),
            rx.vstack(
                rx.text(t["upvotes"], weight="bold"), rx.text("votes", size="1", color=MUTED),
                rx.text(t["answers"], weight="bold"), rx.text("answers", size="1", color=MUTED),
                spacing="0", align="center", min_width="3.5rem",
            ),
            width="100%", justify="between",
        ),
        width="100%",
    )


def _post(p, answer: bool = True) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.text(p["author"], weight="medium", size="2"),
                rx.cond(p["staff"], rx.badge("Teacher", color_scheme="blue", variant="soft")),
                rx.cond(p["id"] == Q.accepted_id, rx.badge(rx.icon("check", size=12), "Accepted answer",
                                                         color_scheme="green", variant="solid")),
                rx.cond(p["hidden"], rx.badge("Hidden", color_scheme="red", variant="soft")),
                rx.text(p["when"], size="1", color=MUTED),
                spacing="2", align="center", wrap="wrap",
            ),
            _md(p["body"]),
            rx.hstack(
                rx.button(rx.icon("arrow-big-up", size=16), p["upvotes"].to_string(), size="1",
                          variant=rx.cond(p["voted"], "solid", "soft"), disabled=p["own"],
                          aria_label="Upvote", on_click=Q.vote(p["id"], ~p["voted"])),
                *([rx.cond(Q.staff, rx.button(rx.cond(p["id"] == Q.accepted_id, "Unaccept", "Accept"),
                                              size="1", variant="soft", color_scheme="green",
                                              on_click=Q.accept(p["id"])))] if answer else []),
                rx.popover.root(
                    rx.popover.trigger(rx.button(rx.icon("flag", size=14), "Report", size="1", variant="ghost",
                                                 color_scheme="gray")),
                    rx.popover.content(rx.form(
                        rx.vstack(
                            rx.el.input(type="hidden", name="post_id", value=p["id"].to_string()),
                            rx.text("Why should a moderator look at this post?", size="2"),
                            rx.input(name="reason", placeholder="Reason", required=True, min_length=3,
                                     max_length=500, width="100%"),
                            rx.popover.close(rx.button("Send report", type="submit", size="1")),
                            spacing="2",
                        ),
                        on_submit=Q.report, reset_on_submit=True,
                    ), width="18rem"),
                ),
                rx.cond(Q.staff, rx.hstack(
                    rx.button(rx.cond(p["hidden"], "Unhide", "Hide"), size="1", variant="ghost", color_scheme="orange",
                              on_click=Q.moderate(p["id"], rx.cond(p["hidden"], "unhide", "hide"))),
                    rx.alert_dialog.root(
                        rx.alert_dialog.trigger(rx.button("Delete", size="1", variant="ghost", color_scheme="red")),
                        rx.alert_dialog.content(
                            rx.alert_dialog.title("Delete this post?"),
                            rx.alert_dialog.description("It is removed for everyone. This cannot be undone."),
                            rx.hstack(
                                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                                rx.alert_dialog.action(rx.button("Delete", color_scheme="red",
                                                                 on_click=Q.moderate(p["id"], "delete"))),
                                justify="end", spacing="3", margin_top="1rem",
                            ),
                        ),
                    ),
                    rx.cond(~p["staff"], rx.button("Mute author", size="1", variant="ghost", color_scheme="gray",
                                                   on_click=Q.mute(p["id"]))),
                    spacing="1",
                )),
                spacing="2", align="center", wrap="wrap",
            ),
            spacing="2", width="100%",
        ),
        padding="0.75rem 0", border_top=f"1px solid {rx.color('gray', 5)}", width="100%",
    )


def _answer(p) -> rx.Component:
    return _post(p, True)


def _open_thread() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.button(rx.icon("arrow-left", size=16), "All questions", variant="ghost", on_click=Q.close_thread),
            rx.spacer(),
            rx.button(rx.icon(rx.cond(Q.following, "bell-off", "bell"), size=14),
                      rx.cond(Q.following, "Unfollow", "Follow"), size="1", variant="soft",
                      aria_pressed=rx.cond(Q.following, "true", "false"), on_click=Q.toggle_follow),
            rx.cond(Q.staff, rx.button(rx.cond(Q.open_locked, "Unlock thread", "Lock thread"), size="1",
                                       variant="soft", color_scheme="gray",
                                       on_click=Q.moderate(Q.question["id"],
                                                           rx.cond(Q.open_locked, "unlock", "lock")))),
            justify="between", width="100%",
        ),
        rx.heading(Q.open_title, size="5", as_="h3"),
        _post(Q.question, answer=False),
        rx.text("Answers (", (Q.answers.length() + Q.new_answers.length()).to_string(), ")", weight="medium"),
        rx.foreach(Q.answers, _answer),
        rx.cond(Q.answers_next != "", rx.button("More answers", variant="soft", on_click=Q.more_answers)),
        rx.foreach(Q.new_answers, _answer),
        rx.cond(
            Q.can_answer & ~Q.open_locked | Q.staff,
            rx.form(
                rx.vstack(
                    rx.el.label("Your answer", html_for="answer-body", style={"fontWeight": "500"}),
                    rx.text_area(id="answer-body", name="body", placeholder="Markdown is supported", rows="4",
                                 required=True, width="100%"),
                    rx.button("Post answer", type="submit", loading=Q.busy == "answer"),
                    spacing="2", width="100%", align="start",
                ),
                on_submit=Q.answer, width="100%",
            ),
            rx.callout("This thread is locked.", icon="lock", color_scheme="gray"),
        ),
        spacing="3", width="100%",
    )


def _ask_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label("Title", html_for="ask-title", style={"fontWeight": "500"}),
            rx.input(id="ask-title", name="title", placeholder="What is your question?", required=True,
                     min_length=5, max_length=160, width="100%"),
            rx.el.label("Details", html_for="ask-body", style={"fontWeight": "500"}),
            rx.text_area(id="ask-body", name="body", placeholder="Markdown is supported", rows="4", required=True,
                         width="100%"),
            rx.hstack(rx.button("Post question", type="submit", loading=Q.busy == "ask"),
                      rx.button("Cancel", type="button", variant="soft", color_scheme="gray", on_click=Q.toggle_ask),
                      spacing="2"),
            spacing="2", width="100%", align="start",
        ),
        on_submit=Q.ask, reset_on_submit=True, width="100%",
    )


def _list(course_wide: bool) -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.cond(~Q.ask_open, rx.button(rx.icon("circle-plus", size=16), "Ask a question", on_click=Q.toggle_ask)),
            rx.hstack(
                *([rx.form(rx.input(name="q", placeholder="Search questions", aria_label="Search questions",
                                    default_value=Q.q), on_submit=Q.search)] if course_wide else []),
                rx.el.select(
                    rx.el.option("Newest", value="newest"), rx.el.option("Most upvoted", value="votes"),
                    rx.el.option("Unanswered", value="unanswered"),
                    value=Q.sort, on_change=Q.choose_sort, class_name="lms-native-select", aria_label="Sort questions",
                ),
                spacing="2", align="center",
            ),
            justify="between", align="center", wrap="wrap", width="100%", style={"gap": "0.75rem"},
        ),
        rx.cond(Q.ask_open, _ask_form()),
        rx.cond(
            Q.threads.length() > 0,
            rx.vstack(rx.foreach(Q.threads, _thread_item), spacing="2", width="100%"),
            rx.text("No questions yet. Be the first to ask.", color=MUTED, size="2"),
        ),
        rx.cond(Q.next_cursor != "", rx.button("Load more", variant="soft", on_click=Q.more)),
        spacing="3", width="100%",
    )


def qna_panel(course_wide: bool = False) -> rx.Component:
    return rx.cond(
        Q.loaded,
        rx.cond(Q.error == "", rx.cond(Q.open_id != 0, _open_thread(), _list(course_wide))),
        rx.skeleton(rx.box(height="80px", width="100%")),
    )


def lesson_widget() -> rx.Component:
    """Registered with ``lms_lesson_widgets``: the lesson's Q&A, for enrolled learners and staff."""
    learn = LearnState
    return rx.cond(
        learn.signed_in & (learn.view == "ok"),
        # Keyed by the open lesson: a new lesson remounts the box, and its on_mount loads that lesson's Q&A.
        rx.box(rx.cond(Q.error == "", rx.card(
            rx.vstack(
                rx.flex(
                    rx.hstack(rx.icon("messages-square", size=20, color=rx.color("accent", 11)),
                              rx.heading("Questions about this lesson", size="4", as_="h2"), align="center"),
                    rx.link("All questions and announcements", href=PREFIX + learn.course_slug, size="2"),
                    justify="between", align="center", wrap="wrap", width="100%", style={"gap": "0.5rem"},
                ),
                qna_panel(),
                spacing="3", width="100%",
            ),
            width="100%", id="lesson-qna",
        )), on_mount=QnAState.load_lesson, key=learn.content["id"], width="100%"),
    )

C = CourseCommunityState


def _announcement(a) -> rx.Component:
    return rx.card(rx.vstack(
        rx.text(a["title"], weight="bold"), rx.text(a["when"], size="1", color=MUTED), _md(a["body"]),
        spacing="1", width="100%"), width="100%")


def _announce_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label("Title", html_for="ann-title", style={"fontWeight": "500"}),
            rx.input(id="ann-title", name="title", required=True, min_length=5, max_length=160, width="100%"),
            rx.el.label("Message", html_for="ann-body", style={"fontWeight": "500"}),
            rx.text_area(id="ann-body", name="body", rows="4", required=True, width="100%",
                         placeholder="Markdown is supported"),
            rx.hstack(rx.checkbox(name="email", id="ann-email"), rx.el.label("Also e-mail every enrolled learner",
                                                                            html_for="ann-email"),
                      align="center", spacing="2"),
            rx.button("Post announcement", type="submit", loading=C.busy == "announce"),
            spacing="2", width="100%", align="start",
        ),
        on_submit=C.announce, reset_on_submit=True, width="100%",
    )


def _message_box() -> rx.Component:
    return rx.card(rx.form(
        rx.vstack(
            rx.heading("Message the teacher", size="4", as_="h2"),
            rx.text("Only you and the course's teacher can read this conversation.", size="2", color=MUTED),
            rx.text_area(id="message-body", name="body", rows="3", required=True, width="100%",
                         aria_label="Your message"),
            rx.hstack(
                rx.button("Send", type="submit", loading=C.busy == "message"),
                rx.cond(C.conversation_id != 0, rx.link("Open the conversation", href="/messages")),
                spacing="3", align="center",
            ),
            spacing="2", width="100%", align="start",
        ),
        on_submit=C.message_teacher, width="100%",
    ), width="100%")


def _moderation_log() -> rx.Component:
    """Who hid, locked, deleted, muted or dismissed what in this course (newest 50)."""
    return rx.cond(
        C.moderation.length() > 0,
        rx.vstack(rx.foreach(C.moderation, lambda m: rx.hstack(
            rx.badge(m["action"], variant="soft", color_scheme="gray"),
            rx.vstack(rx.text(m["summary"], size="2"),
                      rx.text(m["who"], " · ", m["when"], size="1", color=MUTED), spacing="0"),
            spacing="3", align="start", width="100%")), spacing="3", width="100%"),
        rx.text("No moderation in this course yet.", color=MUTED),
    )


def course_page() -> rx.Component:
    return page_shell(
        rx.cond(
            C.course_title != "",
            rx.vstack(
                page_heading(C.course_title, "Questions, announcements and messages"),
                rx.tabs.root(
                    rx.tabs.list(rx.tabs.trigger("Questions", value="questions"),
                                 rx.tabs.trigger("Announcements", value="announcements"),
                                 rx.cond(~C.staff, rx.tabs.trigger("Message the teacher", value="message")),
                                 rx.cond(C.staff, rx.tabs.trigger("Moderation log", value="moderation")),
                                 style={"flexWrap": "wrap"}),
                    rx.tabs.content(rx.box(qna_panel(True), padding_top="1rem"), value="questions"),
                    rx.tabs.content(rx.vstack(
                        rx.cond(C.staff, rx.card(_announce_form(), width="100%")),
                        rx.cond(C.announcements.length() > 0, rx.foreach(C.announcements, _announcement),
                                rx.text("No announcements yet.", color=MUTED)),
                        spacing="3", padding_top="1rem", width="100%"), value="announcements"),
                    rx.tabs.content(rx.box(_message_box(), padding_top="1rem"), value="message"),
                    rx.tabs.content(rx.box(_moderation_log(), padding_top="1rem"), value="moderation"),
                    default_value="questions", width="100%",
                ),
                rx.link("Back to the course", href="/courses/" + C.slug, size="2"),
                width="100%", spacing="3",
            ),
            rx.cond(Q.loaded,
                    empty_state("lock", "Not available", "Only learners enrolled in this course and its teachers "
                                "can see its discussions."),
                    loading_block()),
        ),
        width="900px",
    )


D = DashboardAnnouncementsState


def dashboard_section() -> rx.Component:
    """Registered with ``lms_dashboard_cards``: announcements and unread messages."""
    return rx.box(
        rx.cond(
            (D.items.length() > 0) | (D.unread > 0),
            rx.vstack(
                rx.hstack(
                    rx.heading("Announcements", size="5", as_="h2"),
                    rx.cond(D.unread > 0, rx.link(rx.badge(rx.icon("mail", size=12), D.unread.to_string(), " unread",
                                                           color_scheme="red", variant="soft"), href="/messages")),
                    spacing="3", align="center",
                ),
                rx.foreach(D.items, lambda a: rx.card(rx.vstack(
                    rx.link(a["title"], href=a["href"], weight="bold"),
                    rx.text(a["course"], " · ", a["when"], size="1", color=MUTED),
                    _md(a["body"]),
                    spacing="1", width="100%"), width="100%")),
                spacing="3", width="100%", align="start",
            ),
        ),
        on_mount=D.load, width="100%",
    )


P = CoursePageAnnouncementsState


def course_page_section() -> rx.Component:
    """Registered with ``lms_course_page_sections``: the course's newest announcements and the way
    to its questions and messages, for the people in the course; nothing for anyone else."""
    return rx.box(
        rx.cond(
            P.slug != "",
            rx.vstack(
                rx.hstack(
                    rx.heading("Announcements", size="5", as_="h2"),
                    rx.link("Questions, announcements and messages", href="/community/" + P.slug, size="2"),
                    justify="between", align="baseline", width="100%", wrap="wrap",
                ),
                rx.cond(P.items.length() > 0,
                        rx.foreach(P.items, lambda a: rx.card(rx.vstack(
                            rx.text(a["title"], weight="bold"),
                            rx.text(a["when"], size="1", color=MUTED),
                            _md(a["body"]),
                            spacing="1", width="100%"), width="100%")),
                        rx.text("No announcements yet.", size="2", color=MUTED)),
                spacing="3", width="100%", align="start",
            ),
        ),
        on_mount=P.load, width="100%",
    )


I = InboxState


def _convo_item(c) -> rx.Component:
    return rx.button(
        rx.hstack(
            rx.vstack(rx.text(c["with"], weight="medium"), rx.text(c["course"], size="1", color=MUTED),
                      spacing="0", align="start"),
            rx.cond(c["unread"] != "0", rx.badge(c["unread"], color_scheme="red", variant="solid")),
            justify="between", width="100%", align="center",
        ),
        variant=rx.cond(I.open_id.to_string() == c["id"], "soft", "ghost"), width="100%", height="auto",
        padding="0.5rem", on_click=I.open_conversation(c["id"].to(int)),
    )


def _message(m) -> rx.Component:
    return rx.box(
        rx.text(m["author"], " · ", m["when"], size="1", color=MUTED),
        _md(m["body"]),
        background=rx.cond(m["own"] == "True", rx.color("accent", 3), rx.color("gray", 3)),
        padding="0.5rem 0.75rem", border_radius="8px", width="100%",
    )


def inbox_page() -> rx.Component:
    return page_shell(
        page_heading("Messages", "Your private conversations about courses"),
        rx.cond(
            I.loaded,
            rx.cond(
                I.conversations.length() > 0,
                rx.grid(
                    rx.vstack(rx.foreach(I.conversations, _convo_item),
                              rx.cond(I.next_cursor != "", rx.button("Load more", variant="soft", on_click=I.more)),
                              spacing="1", width="100%"),
                    rx.cond(
                        I.open_id != 0,
                        rx.vstack(
                            rx.heading(I.open_with, size="4", as_="h2"), rx.text(I.open_course, size="2", color=MUTED),
                            rx.foreach(I.messages, _message), rx.foreach(I.new_messages, _message),
                            rx.form(rx.vstack(
                                rx.text_area(id="reply-body", name="body", rows="3", required=True, width="100%",
                                             aria_label="Your reply"),
                                rx.button("Send", type="submit", loading=I.busy), spacing="2", align="start",
                                width="100%"), on_submit=I.reply, width="100%"),
                            spacing="2", width="100%",
                        ),
                        rx.text("Choose a conversation.", color=MUTED),
                    ),
                    columns=rx.breakpoints(initial="1", sm="1fr 2fr"), spacing="4", width="100%",
                ),
                empty_state("mail", "No messages yet",
                            "Learners can write to a course's teacher from the course's community page."),
            ),
            loading_block(),
        ),
        width="1000px",
    )


T = TeachCommunityState


def _report_row(r) -> rx.Component:
    return rx.card(rx.vstack(
        rx.text(r["course"], " · ", r["thread"], size="1", color=MUTED),
        rx.text("“", r["excerpt"], "”", size="2"),
        rx.text("Reported by ", r["reporter"], ": ", r["reason"], size="2", weight="medium"),
        rx.hstack(
            rx.cond(r["hidden"] == "False", rx.button("Hide post", size="1", color_scheme="orange",
                                                      on_click=T.hide(r["post_id"].to(int)))),
            rx.button("Dismiss", size="1", variant="soft", color_scheme="gray", on_click=T.dismiss(r["id"].to(int))),
            spacing="2",
        ),
        spacing="1", width="100%"), width="100%")


def teach_page() -> rx.Component:
    return page_shell(
        page_heading("Community", "Unanswered questions and reported posts in your courses"),
        rx.cond(
            T.loaded,
            rx.vstack(
                rx.heading("Unanswered questions", size="4", as_="h2"),
                rx.cond(T.unanswered.length() > 0,
                        rx.foreach(T.unanswered, lambda t: rx.card(rx.vstack(
                            rx.link(t["title"], href=t["href"], weight="medium"),
                            rx.text(t["course"], " · ", t["when"], size="1", color=MUTED), spacing="1"),
                            width="100%")),
                        rx.text("Every question has an answer.", color=MUTED)),
                rx.heading("Reports", size="4", as_="h2", margin_top="1rem"),
                rx.cond(T.reports.length() > 0, rx.foreach(T.reports, _report_row),
                        rx.text("No open reports.", color=MUTED)),
                spacing="3", width="100%",
            ),
            loading_block(),
        ),
        width="900px",
    )


ON_LOAD_COURSE = [AuthState.refresh, CourseCommunityState.load, QnAState.load_course]

"""DTOs of the authoring, review and lesson pages (only the fields those pages show)."""

from __future__ import annotations

from typing import TypedDict


class TeacherCourseRow(TypedDict):
    id: int
    title: str
    slug: str
    status: str
    student_count: int
    lesson_count: int
    price_label: str
    updated: str
    thumbnail_url: str
    initials: str
    hue: int
    review_note: str


class CourseDetailsView(TypedDict):
    id: int
    title: str
    subtitle: str
    description: str
    slug: str
    category_id: str
    level: str
    language: str
    currency: str
    price: str
    outcomes_text: str
    sequential: bool
    thumbnail_url: str
    status: str
    duration_label: str
    review_note: str
    initials: str
    hue: int


class ModuleRow(TypedDict):
    id: int
    title: str
    position: int
    lesson_count: int
    is_first: bool
    is_last: bool


class LessonRow(TypedDict):
    id: int
    module_id: int
    title: str
    lesson_type: str
    type_label: str
    icon: str
    position: int
    is_preview: bool
    is_first: bool
    is_last: bool
    duration_label: str
    has_content: bool


class LessonEditView(TypedDict):
    id: int
    title: str
    lesson_type: str
    type_label: str
    help: str
    minutes: str
    is_preview: bool
    body: str
    video_url: str
    file_name: str
    file_size_label: str
    file_url: str
    uses_body: bool
    uses_video_url: bool
    takes_upload: bool
    upload_limit: str
    # Types built on their own page (quiz, assignment): the button label and where it leads.
    editor_label: str
    editor_href: str


class HistoryRow(TypedDict):
    from_status: str
    to_status: str
    reason: str
    who: str
    when: str


class QueueRow(TypedDict):
    id: int
    title: str
    teacher_name: str
    submitted: str


class LessonContentView(TypedDict):
    """A lesson as a viewer sees it: only built after the access check passed."""

    id: int
    title: str
    lesson_type: str
    type_label: str
    body: str
    video_url: str
    embed_url: str
    file_url: str
    file_name: str
    file_size_label: str
    is_preview: bool
    module_title: str
    duration_label: str
    # Quiz and assignment lessons complete by passing, never by "mark complete".
    graded: bool
    # From the lesson type (the player compares no type names): it has a player panel, the
    # player shows the Markdown body above the panel, and it reports video positions.
    has_panel: bool
    shows_body: bool
    tracks_video: bool
    # Only on the admin review screen: what the type shows the reviewer (quiz questions with
    # answers marked, the rubric), Markdown; "" everywhere else.
    review_md: str


class OutlineRow(TypedDict):
    """One line of a course outline (titles only; content is never part of it)."""

    id: int
    title: str
    module_title: str
    is_preview: bool
    icon: str
    current: bool
    # Learner progress (False for viewers who do not track progress).
    done: bool
    locked: bool
    module_start: bool

"""The course editor's fixed field lists and the empty views its state starts from."""

from __future__ import annotations

from lms_app.authoring.views import CourseDetailsView, LessonEditView

DETAIL_FIELDS = ("title", "subtitle", "description", "slug", "category_id", "level", "language", "currency",
                 "price", "outcomes", "thumbnail")
LESSON_FIELDS = ("title", "minutes", "body", "video_url", "file")
TABS = ("details", "curriculum", "review")
THUMB_TYPES = {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]}


def empty_details() -> CourseDetailsView:
    return CourseDetailsView(id=0, title="", subtitle="", description="", slug="", category_id="", level="beginner",
                             language="en", currency="USD", price="0", outcomes_text="", sequential=False, thumbnail_url="",
                             status="draft", duration_label="", review_note="", initials="", hue=0)


def empty_lesson() -> LessonEditView:
    return LessonEditView(id=0, title="", lesson_type="text", type_label="", help="", minutes="0", is_preview=False,
                          body="", video_url="", file_name="", file_size_label="", file_url="", uses_body=False,
                          uses_video_url=False, takes_upload=False, upload_limit="",
                          editor_label="", editor_href="")

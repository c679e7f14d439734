"""Community: lesson Q&A (a widget under every lesson and a course page), moderation,
announcements and private messages to a course's teacher."""

from __future__ import annotations

from lms_app.community import models  # noqa: F401  (registers its tables on SQLModel.metadata)
from lms_app.core.plugin_api import DashboardCard, LessonWidget, NavItem, ScheduledJob, hookimpl


@hookimpl
def lms_scheduled_jobs():
    from lms_app.community import services

    return [ScheduledJob("community-announcement-mail-sweep", 15, services.sweep_announcements)]


@hookimpl
def lms_pages():
    from lms_app.core.plugin_api import Page
    from lms_app.community import pages
    from lms_app.core.auth_state import AuthState

    return [
        Page("/community/[course_slug]", pages.course_page, "Course community", on_load=pages.ON_LOAD_COURSE,
             description="Questions, announcements and messages of a course."),
        Page("/messages", pages.inbox_page, "Messages", on_load=[AuthState.refresh, pages.InboxState.load]),
        Page("/teach/community", pages.teach_page, "Community",
             on_load=[AuthState.refresh, pages.TeachCommunityState.load]),
    ]


@hookimpl
def lms_nav_items():
    from lms_app.core.permissions import TEACHER_AREA

    return [NavItem("teacher", "Community", "/teach/community", "messages-square", order=26, roles=TEACHER_AREA),
            NavItem("account", "Messages", "/messages", "mail", order=60)]


@hookimpl
def lms_lesson_widgets():
    from lms_app.community.pages import lesson_widget

    return [LessonWidget("community_qna", lesson_widget, order=80)]


@hookimpl
def lms_dashboard_cards():
    from lms_app.community.pages import dashboard_section

    return [DashboardCard("community_announcements", dashboard_section, order=50)]

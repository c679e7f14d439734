"""Community: lesson Q&A (a widget under every lesson and a course page), moderation,
announcements and private messages to a course's teacher."""

from __future__ import annotations

from lms_app.community import models  # noqa: F401  (registers its tables on SQLModel.metadata)
from lms_app.core.plugin_api import CoursePageSection, DashboardCard, LessonWidget, NavItem, PersonalData, ScheduledJob, hookimpl


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


@hookimpl
def lms_personal_data():
    kept_post = ("Questions and answers stay in the course's discussion (other people's answers and votes "
                 "hang on them), shown as by 'Deleted account': the user row itself is anonymised.")
    return [PersonalData("community_threads", ("author_id",), "keep", why=kept_post),
            PersonalData("community_posts", ("author_id",), "keep", why=kept_post),
            PersonalData("community_votes", ("user_id",), "delete", why="The person's upvotes."),
            PersonalData("community_follows", ("user_id",), "delete", why="Threads the person followed."),
            PersonalData("community_reports", ("reporter_id",), "delete", why="Posts the person reported."),
            PersonalData("community_mutes", ("user_id",), "delete", export=False,
                         why="A course's moderators muted the person: moot once the account is gone."),
            PersonalData("community_moderation_log", ("actor_id",), "detach", export=False,
                         why="Moderation by a teacher or admin: the action stays, no longer naming them."),
            PersonalData("community_announcements", ("author_id",), "detach", export=False,
                         why="Announcements belong to the course; the author is removed."),
            PersonalData("community_announcement_deliveries", ("user_id",), "delete", export=False,
                         why="Which announcement mails went to the person (bookkeeping)."),
            PersonalData("community_conversations", ("learner_id",), "delete",
                         why="The person's private threads with teachers (their messages go with them)."),
            PersonalData("community_conversations", ("teacher_id",), "keep", export=False,
                         why="A teacher's side of learners' threads (teachers with courses cannot delete their "
                             "account)."),
            PersonalData("community_messages", ("sender_id",), "delete", why="Private messages the person sent.")]


@hookimpl
def lms_notification_kinds():
    from lms_app.community import notices

    return notices.KINDS


@hookimpl
def lms_event(event):
    from lms_app.community import notices

    handler = notices.HANDLERS.get(event.name)
    if handler is None:
        return
    from lms_app.core.db import session_scope

    with session_scope() as session:
        handler(session, event.data)


@hookimpl
def lms_course_page_sections():
    from lms_app.community.pages import course_page_section

    return [CoursePageSection("community_announcements", course_page_section, order=50)]

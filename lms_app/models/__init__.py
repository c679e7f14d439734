"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from lms_app.models.courses import (
    COURSE_LEVELS,
    COURSE_STATUSES,
    LESSON_TYPES,
    Category,
    Course,
    CourseStatusChange,
    Enrollment,
    Lesson,
    Module,
)
from lms_app.models.commerce import (
    Coupon,
    CouponRedemption,
    LedgerEntry,
    Order,
    Payment,
    WebhookEvent,
)
from lms_app.models.events import EVENT_KINDS, LearningEvent
from lms_app.models.learning import LessonProgress, Review
from lms_app.models.users import ROLES, LoginAttempt, LoginTicket, User, UserSession

__all__ = [
    "COURSE_LEVELS",
    "COURSE_STATUSES",
    "EVENT_KINDS",
    "LESSON_TYPES",
    "ROLES",
    "Category",
    "Coupon",
    "CouponRedemption",
    "LedgerEntry",
    "Order",
    "Payment",
    "WebhookEvent",
    "Course",
    "CourseStatusChange",
    "Enrollment",
    "LearningEvent",
    "Lesson",
    "LessonProgress",
    "Review",
    "LoginAttempt",
    "LoginTicket",
    "Module",
    "User",
    "UserSession",
]

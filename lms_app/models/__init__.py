"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from lms_app.models.courses import (
    COURSE_LEVELS,
    COURSE_STATUSES,
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
from lms_app.models.admin import APPLICATION_STATUSES, AuditEntry, TeacherApplication
from lms_app.models.learning import LessonProgress, Review
from lms_app.models.quizzes import Quiz, QuizAttempt, QuizQuestion
from lms_app.models.certificates import Certificate
from lms_app.models.assignments import (
    AssignmentSettings,
    PeerReview,
    RubricCriterion,
    Submission,
    SubmissionFile,
)
from lms_app.models.users import ROLES, LoginAttempt, LoginTicket, User, UserSession

__all__ = [
    "AssignmentSettings",
    "PeerReview",
    "RubricCriterion",
    "Submission",
    "SubmissionFile",
    "APPLICATION_STATUSES",
    "AuditEntry",
    "TeacherApplication",
    "COURSE_LEVELS",
    "COURSE_STATUSES",
    "EVENT_KINDS",
    "ROLES",
    "Category",
    "Certificate",
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
    "Quiz",
    "QuizAttempt",
    "QuizQuestion",
    "Review",
    "LoginAttempt",
    "LoginTicket",
    "Module",
    "User",
    "UserSession",
]

"""lms-lesson-feedback: a "Was this lesson clear?" question under every lesson of the course
player, and a report for teachers (/teach/feedback). An installable Lumen Learning plugin; the
hooks are in ``lms_lesson_feedback.plugin``."""

__version__ = "0.1.0"

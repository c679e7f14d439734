"""Quizzes: the quiz lesson type, its builder, attempts and grading."""

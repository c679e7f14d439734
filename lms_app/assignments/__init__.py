"""Assignments: the assignment lesson type, submissions, peer review and teacher grading."""

"""Authoring: courses, curriculum, lesson content and files, the review workflow."""

"""Learning: the course player and content lesson types, enrolment, progress, reviews, dashboards."""

"""quizzes: page states and pages (Reflex); one module per page or panel."""

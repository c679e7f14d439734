"""Counted words for state vars in the browser ("1 lesson", "3 lessons"), the twin of
``lms_app.core.wording.plural`` for values that only exist as Reflex vars."""

from __future__ import annotations

import reflex as rx


def counted(n, singular: str, plural_form: str | None = None) -> rx.Var:
    """'1 lesson' / '3 lessons' for an int var (or a plain int)."""
    many = plural_form or singular + "s"
    if isinstance(n, int):
        return rx.Var.create(f"{n} {singular if n == 1 else many}")
    return rx.cond(n == 1, "1 " + singular, n.to_string() + " " + many)


def status_text(code) -> rx.Var:
    """A status code shown in sentence case: 'past_due' -> 'Past due' (the twin of
    ``lms_app.core.wording.status_label`` for state vars)."""
    return code.to(str).replace("_", " ").capitalize()

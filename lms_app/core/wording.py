"""Words shown with numbers, in one place: "1 point" / "2 points", durations, status labels.

Pages build their strings from these (services) or from ``lms_app.ui.wording`` (state vars in
the browser), so no page shows "1 pts", "0 min" for a 12-second clip, or a lowercase status code.
"""

from __future__ import annotations

_IRREGULAR = {"quiz": "quizzes", "person": "people", "is": "are", "was": "were", "child": "children"}


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """'1 point', '2 points', '0 lessons' (English: the singular only for exactly one)."""
    word = singular if n == 1 else (plural_form or _IRREGULAR.get(singular) or singular + "s")
    return f"{n:,} {word}"


def duration_label(seconds: int | None) -> str:
    """A lesson's or course's length from its real content: '12 sec', '4 min', '1 h 05 min'.

    Under a minute it shows the seconds (a 12-second clip is not "0 min"); minutes round to the
    nearest; nothing at all ("") when the length is unknown (0)."""
    total = max(0, int(seconds or 0))
    if total == 0:
        return ""
    if total < 60:
        return f"{total} sec"
    minutes = (total + 30) // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"


def status_label(code: str | None) -> str:
    """'pending_review' -> 'Pending review', 'past_due' -> 'Past due' (sentence case, no codes)."""
    text = (code or "").replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:].lower() if text else ""

"""Small argument parsers shared by the admin services (handler arguments are untrusted)."""

from __future__ import annotations

from lms_app.core.errors import ServiceError

MAX_PAGE = 100_000


def page_number(raw: object) -> int:
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) < 7:
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw <= MAX_PAGE:
        return 1
    return raw


def search_text(raw: object, maximum: int = 100) -> str:
    if not isinstance(raw, str):
        return ""
    text = " ".join(raw.split())[:maximum]
    # LIKE wildcards typed by a person are taken literally enough: drop them.
    return text.replace("%", "").replace("_", " ").strip()


def object_id(raw: object, message: str) -> int:
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) < 18:
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < 2**62:
        raise ServiceError(message)
    return raw


def clean_text(raw: object, field: str, label: str, *, maximum: int, minimum: int = 0) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    text = "".join(ch for ch in text if ch in "\n\t" or ch >= " ")
    if len(text) < minimum:
        raise ServiceError(f"{label} needs at least {minimum} characters." if minimum > 1 else f"Enter {label.lower()}.",
                           field)
    if len(text) > maximum:
        raise ServiceError(f"Keep {label.lower()} under {maximum} characters.", field)
    return text

"""LIKE patterns from text a person typed: their % and _ are matched literally (escape ``\\``)."""

from __future__ import annotations

ESCAPE = "\\"


def contains(term: str) -> str:
    """The pattern for "contains ``term``", used with ``.like(pattern, escape=ESCAPE)``."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

"""CSV exports that spreadsheets open safely.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel/LibreOffice/Sheets as a formula (CSV/formula injection): ``=HYPERLINK(...)`` in a course
title would run in the admin's spreadsheet. ``safe_cell`` prefixes such cells with an
apostrophe, which spreadsheets show as text. Every export goes through ``to_csv``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell as text, neutralised when a spreadsheet would evaluate it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        # Numbers are numbers; negative numbers are safe and must stay numeric.
        return str(value)
    text = str(value)
    if text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()

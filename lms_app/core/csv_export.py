"""CSV exports that spreadsheets open safely.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel/LibreOffice/Sheets as a formula (CSV/formula injection): ``=HYPERLINK(...)`` in a course
title would run in the admin's spreadsheet. ``safe_cell`` prefixes such cells with an
apostrophe, which spreadsheets show as text. Plain signed numbers and percentages (``-5``,
``+122%``, ``-3.5 %``, ``+1,200``) are values, not formulas: they are left as they are, so a
change column reads ``+122%`` and not ``'+122%``. Every export goes through ``to_csv``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A whole cell that is only a signed number, optionally with thousands separators, decimals and
# a percent sign: nothing a spreadsheet could run.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)? ?%?")


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
    if text.startswith(DANGEROUS_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()

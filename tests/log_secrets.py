"""What must never appear in a log: the tests' password, session cookie values, card numbers."""

from __future__ import annotations

import re

DEFAULT_PASSWORD = "correct horse battery"  # the password tests/conftest.py gives every user
SECRET_SHAPES = [re.compile(re.escape(DEFAULT_PASSWORD)), re.compile(r"lms_session=(?!\[redacted\])[\w-]{20,}"),
                 re.compile(r"4242[ -]?4242[ -]?4242[ -]?4242"), re.compile(r"4000[ -]?0000[ -]?0000[ -]?0002")]


def secrets_in(text: str) -> list[str]:
    return [shape.pattern for shape in SECRET_SHAPES if shape.search(text)]

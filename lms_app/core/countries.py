"""ISO 3166-1 alpha-2 country codes and English names.

Read from the ``iso3166.tab`` table of the tz database that the pinned ``tzdata`` package ships
(the IANA list of current ISO 3166 codes), so no list is hand-written here. Its names are the tz
database's short English names ("Britain (UK)", "Korea (South)").
"""

from __future__ import annotations

import functools
from importlib import resources


@functools.lru_cache(maxsize=1)
def countries() -> tuple[tuple[str, str], ...]:
    """(code, name) pairs sorted by name."""
    text = resources.files("tzdata.zoneinfo").joinpath("iso3166.tab").read_text(encoding="utf-8")
    pairs = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, _, name = line.partition("\t")
        if len(code) == 2 and code.isalpha() and code.isupper() and name.strip():
            pairs.append((code, name.strip()))
    return tuple(sorted(pairs, key=lambda p: p[1]))


@functools.lru_cache(maxsize=1)
def names() -> dict[str, str]:
    return dict(countries())


def is_country(code: object) -> bool:
    return isinstance(code, str) and code in names()


def name_of(code: str) -> str:
    return names().get(code, code)

"""Fast embedding of the certificate font in fpdf2 (parse once, subset once per glyph set).

fpdf2, for every PDF, parses the TTF on ``add_font`` (≈ 10 ms) and, on output, subsets it with
fontTools (parse the glyph table, subset, compile: ≈ 15 ms). Both results depend only on the
font and on the set of glyphs used, so:

1. The font is parsed once per process; each document gets a cheap copy of the parsed
   ``TTFFont`` with its own subset map.
2. Each document's subset always contains a **base set** of glyphs (ASCII, Latin-1, Latin
   Extended-A, basic Greek and Cyrillic: what nearly every name needs), plus any rarer
   glyph the text uses. The subset is therefore the same for almost every certificate, and
   the subset font (bytes and glyph ids) is cached per glyph set (LRU, 64 sets).
3. fpdf2's output step gets the cached subset through a stand-in for the fontTools font.
   ``fpdf.output`` reaches fontTools as ``ftsubset.Subsetter``; ``install()`` gives it a
   Subsetter that serves our stand-in from the cache and hands every other font to
   fontTools unchanged, so receipts and any other PDF behave exactly as before.

Cost: every certificate embeds the base set (≈ 500 glyphs, ≈ 30 KB compressed) instead of only
the glyphs of its text (≈ 5 KB). If fpdf2's internals change, ``add_font`` falls back to
fpdf2's own path (slower, same PDF).
"""

from __future__ import annotations

import copy
import functools
import io
import threading
from collections import OrderedDict
from pathlib import Path

from fontTools import subset as ft_subset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

BASE_CODEPOINTS = tuple(
    list(range(0x20, 0x7F)) + list(range(0xA0, 0x180))  # ASCII, Latin-1, Latin Extended-A
    + [0x386, 0x388, 0x389, 0x38A, 0x38C, 0x38E, 0x38F, 0x390] + list(range(0x391, 0x3CF))  # Greek
    + [0x401, 0x404, 0x406, 0x407, 0x40E] + list(range(0x410, 0x450)) + [0x451, 0x454, 0x456, 0x457, 0x45E,
                                                                          0x490, 0x491]  # Cyrillic
    + [0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026]  # dashes, quotes, ellipsis
)
CACHE_SIZE = 64
_lock = threading.Lock()
_subsets: OrderedDict[frozenset, tuple[bytes, dict[str, int]]] = OrderedDict()
stats = {"hits": 0, "misses": 0}


class DeferredFont:
    """Stands in for the fontTools font of one document until fpdf2's output step subsets it."""

    def __init__(self, data: bytes):
        self.data = data
        self.result: tuple[bytes, dict[str, int]] | None = None

    def __contains__(self, tag: object) -> bool:  # fpdf2 asks whether it is a CFF font
        return False

    def getGlyphID(self, name: str) -> int:  # noqa: N802 - fontTools' name
        return self.result[1][name]

    def save(self, file) -> None:
        file.write(self.result[0])

    def close(self) -> None:
        pass


def _subset_bytes(data: bytes, options, args, kwargs, glyphs) -> tuple[bytes, dict[str, int]]:
    font = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
    real = ft_subset.Subsetter(options)
    real.populate(*args, **kwargs)
    real.subset(font)
    ids = {name: font.getGlyphID(name) for name in glyphs}
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), ids


class Subsetter:
    """fontTools' Subsetter for every font, with a cache for ``DeferredFont``."""

    def __init__(self, options=None, **kwargs):
        self._options, self._kwargs = options, kwargs
        self._populate: tuple[tuple, dict] = ((), {})

    def populate(self, *args, **kwargs) -> None:
        self._populate = (args, kwargs)

    def subset(self, font) -> None:
        args, kwargs = self._populate
        if not isinstance(font, DeferredFont):
            real = ft_subset.Subsetter(self._options, **self._kwargs)
            real.populate(*args, **kwargs)
            real.subset(font)
            return
        glyphs = list(kwargs.get("glyphs") or ())
        key = frozenset(glyphs)
        with _lock:
            found = _subsets.get(key)
            if found is not None:
                _subsets.move_to_end(key)
                stats["hits"] += 1
        if found is None:
            found = _subset_bytes(font.data, self._options, args, kwargs, glyphs)
            with _lock:
                stats["misses"] += 1
                _subsets[key] = found
                while len(_subsets) > CACHE_SIZE:
                    _subsets.popitem(last=False)
        font.result = found


class _SubsetModule:
    """What ``fpdf.output`` sees as ``ftsubset``."""

    Options = ft_subset.Options
    Subsetter = Subsetter


def install() -> bool:
    """Route fpdf2's subsetting through ``Subsetter`` (idempotent); False if fpdf2 differs."""
    import fpdf.output as fpdf_output

    if getattr(fpdf_output, "ftsubset", None) is _SubsetModule:
        return True
    if getattr(fpdf_output, "ftsubset", None) is not ft_subset:
        return False
    fpdf_output.ftsubset = _SubsetModule
    return True


@functools.lru_cache(maxsize=8)
def _parsed(path: Path) -> tuple[TTFFont, bytes, SubsetMap]:
    proto = TTFFont(FPDF(), path, "proto", "")
    base = SubsetMap(proto)
    for codepoint in BASE_CODEPOINTS:
        if codepoint in proto.glyph_ids:
            base.pick(codepoint)
    return proto, path.read_bytes(), base


def add_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    """``pdf.add_font(family, style, path)``, fast (see the module docstring)."""
    try:
        if not install():
            raise AttributeError("fpdf.output has no ftsubset")
        with _lock:
            proto, data, base = _parsed(path)
        font = copy.copy(proto)
        key = f"{family.lower()}{style}"
        font.i = len(pdf.fonts) + 1
        font.fontkey = key
        font.ttfont = DeferredFont(data)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        subset = copy.copy(base)
        subset.font = font
        subset._char_id_per_glyph = dict(base._char_id_per_glyph)
        subset._reserved = list(base._reserved)
        font.subset = subset
        pdf.fonts[key] = font
    except (AttributeError, TypeError):  # pragma: no cover - another fpdf2 version
        pdf.add_font(family, style, path)

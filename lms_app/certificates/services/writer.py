"""A certificate PDF written directly: the fast path of certificate_pdf.render.

A certificate is one page of a few text lines, two frames, a rule and a QR code, in one font.
fpdf2 spends ≈ 8 ms per such page (mostly embedding and subsetting the font again); this
writer embeds the whole shipped font (lms_app/fonts, ≈ 90 KB, Latin, Greek and Cyrillic) as a
Type0/CIDFontType2 font whose objects — font file, widths, ToUnicode map — are built once per
process and reused as bytes. Per certificate only the page's content stream (text as glyph ids,
so any covered character renders and extracts as text), the document info and the cross
reference table are written: ≈ 1 ms plus the QR encoding.

It handles text the shipped font covers (``covers``); certificate_pdf renders anything else
(CJK names with a system fallback font) with fpdf2.
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass
from pathlib import Path

from fontTools import ttLib

MM = 72 / 25.4  # points per millimetre
PAGE_W, PAGE_H = 297 * MM, 210 * MM  # A4 landscape, in points


@dataclass(frozen=True)
class Font:
    gids: dict[int, int]  # code point -> glyph id
    advance: dict[int, float]  # glyph id -> advance width in 1/1000 em
    objects: tuple[bytes, ...]  # the font's PDF objects 4-8, numbered


@functools.lru_cache(maxsize=4)
def load_font(path: Path) -> Font:
    """Parse the TTF once and build its PDF objects (Type0 font, CID font, descriptor, file, ToUnicode)."""
    data = path.read_bytes()
    tt = ttLib.TTFont(path)
    scale = 1000 / tt["head"].unitsPerEm
    cmap = tt.getBestCmap()
    gids = {cp: tt.getGlyphID(name) for cp, name in cmap.items()}
    metrics = tt["hmtx"].metrics
    order = tt.getGlyphOrder()
    advance = {gid: metrics[name][0] * scale for gid, name in enumerate(order)}
    head, hhea, os2 = tt["head"], tt["hhea"], tt["OS/2"]
    bbox = " ".join(str(round(v * scale)) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
    cap = round(getattr(os2, "sCapHeight", 0) * scale) or round(hhea.ascent * scale * 0.7)
    widths = " ".join(str(round(advance[g])) for g in range(len(order)))
    name = b"/LumenCert"
    unicode_of: dict[int, int] = {}
    for cp, gid in sorted(gids.items()):
        unicode_of.setdefault(gid, cp)
    chunks = []
    items = sorted(unicode_of.items())
    for i in range(0, len(items), 100):
        block = items[i:i + 100]
        chunks.append(f"{len(block)} beginbfchar\n" + "\n".join(
            f"<{gid:04X}> <{_utf16_hex(cp)}>" for gid, cp in block) + "\nendbfchar")
    cmap_text = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                 "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                 "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                 "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + "\n".join(chunks)
                 + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
    objects = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont " + name + b" /Encoding /Identity-H "
        b"/DescendantFonts [5 0 R] /ToUnicode 8 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont " + name
        + b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 6 0 R"
        + f" /DW 1000 /W [0 [{widths}]] /CIDToGIDMap /Identity >>".encode(),
        b"<< /Type /FontDescriptor /FontName " + name
        + f" /Flags 32 /FontBBox [{bbox}] /ItalicAngle 0 /Ascent {round(hhea.ascent * scale)}"
          f" /Descent {round(hhea.descent * scale)} /CapHeight {cap} /StemV 80 /FontFile2 7 0 R >>".encode(),
        _stream(data, extra=f" /Length1 {len(data)}"),
        _stream(cmap_text.encode()),
    )
    return Font(gids=gids, advance=advance, objects=objects)


def _utf16_hex(cp: int) -> str:
    return cp.to_bytes(4, "big").hex().upper()[4:] if cp < 0x10000 else chr(cp).encode("utf-16-be").hex().upper()


def _stream(raw: bytes, extra: str = "") -> bytes:
    packed = zlib.compress(raw, 6)
    return (f"<< /Length {len(packed)} /Filter /FlateDecode{extra} >>\nstream\n".encode() + packed
            + b"\nendstream")


def covers(font: Font, *texts: str) -> bool:
    return all(ord(ch) in font.gids for text in texts for ch in text)


class Page:
    """A content stream in millimetres from the top left, like fpdf2's coordinates."""

    def __init__(self, font: Font):
        self.font = font
        self.ops: list[str] = []

    def width(self, text: str, size: float) -> float:
        """Width in mm of ``text`` at ``size`` points."""
        gids = self.font.gids
        return sum(self.font.advance[gids[ord(ch)]] for ch in text) * size / 1000 / MM

    def fit(self, text: str, size: float, width: float, minimum: float) -> float:
        while size > minimum and self.width(text, size) > width:
            size -= 1
        return size

    def text(self, x: float, y: float, w: float, h: float, text: str, size: float, rgb, align: str = "C",
             stroke: float = 0.0) -> None:
        """One line in the box (x, y, w, h) like fpdf2's cell: vertically centred, aligned L/C/R.

        ``stroke`` > 0 draws it heavier (fill and outline), as a bold of the one embedded font."""
        tw = self.width(text, size)
        left = x + (w - tw) / 2 if align == "C" else (x + w - tw if align == "R" else x)
        baseline = y + h / 2 + 0.3 * size / MM
        hexes = "".join(f"{self.font.gids[ord(ch)]:04X}" for ch in text)
        color = "{:.3f} {:.3f} {:.3f}".format(*(c / 255 for c in rgb))
        mode = f"2 Tr {stroke:.2f} w {color} RG" if stroke else "0 Tr"
        self.ops.append(f"BT /F1 {size:.1f} Tf {color} rg {mode} {left * MM:.2f} {PAGE_H - baseline * MM:.2f} Td "
                        f"<{hexes}> Tj ET")

    def rect(self, x: float, y: float, w: float, h: float, rgb, line: float) -> None:
        color = "{:.3f} {:.3f} {:.3f}".format(*(c / 255 for c in rgb))
        self.ops.append(f"{color} RG {line * MM:.2f} w {x * MM:.2f} {PAGE_H - (y + h) * MM:.2f} "
                        f"{w * MM:.2f} {h * MM:.2f} re S")

    def line(self, x1: float, y: float, x2: float, rgb, line: float) -> None:
        color = "{:.3f} {:.3f} {:.3f}".format(*(c / 255 for c in rgb))
        self.ops.append(f"{color} RG {line * MM:.2f} w {x1 * MM:.2f} {PAGE_H - y * MM:.2f} m "
                        f"{x2 * MM:.2f} {PAGE_H - y * MM:.2f} l S")

    def runs(self, x: float, y: float, cell: float, runs) -> None:
        """Filled rectangles (row, first column, length) of a module grid: the QR code, one path."""
        parts = [f"{(x + c * cell) * MM:.2f} {PAGE_H - (y + (r + 1) * cell) * MM:.2f} {n * cell * MM:.2f} "
                 f"{cell * MM:.2f} re" for r, c, n in runs]
        self.ops.append("q 0 g " + " ".join(parts) + " f Q")


def _pdf_text(value: str) -> str:
    """A PDF text string (UTF-16BE with a BOM, hex): any title or author survives."""
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


def document(page: Page, title: str, author: str) -> bytes:
    """The PDF: catalog, pages, page, the font's cached objects, content, info; xref and trailer."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W:.2f} {PAGE_H:.2f}] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 9 0 R >>".encode(),
        *page.font.objects,
        _stream("\n".join(page.ops).encode()),
        f"<< /Title {_pdf_text(title)} /Author {_pdf_text(author)} /Creator {_pdf_text(author)} >>".encode(),
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)

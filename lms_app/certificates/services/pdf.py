"""Certificate PDFs: landscape A4, Unicode names, a QR code to the verify page.

Rendered with fpdf2. The font ships with the app (lms_app/certificates/fonts: DejaVu Sans subset
to Latin, Greek and Cyrillic), so accents, Cyrillic and Greek render on every install; a CJK name
falls back to a system CJK font when one is installed. fpdf2 embeds only the glyphs used. The
QR code is vector rectangles (segno computes the matrix).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import TextMode

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
REGULAR = FONT_DIR / "DejaVuSans-Cert.ttf"
# System fonts that cover CJK, used as fallbacks when present (none are needed to run).
CJK_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
)
ACCENT = (62, 99, 221)  # the theme's indigo
INK = (28, 32, 36)
MUTED = (96, 100, 108)


@dataclass(frozen=True)
class CertificateContent:
    site_name: str
    learner_name: str
    course_title: str
    teacher_name: str
    date_label: str
    number: str
    verify_url: str


def cjk_font() -> Path | None:
    return next((p for p in CJK_CANDIDATES if p.is_file()), None)


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code's modules (True = dark), quiet zone excluded.

    Mask pattern 0 is fixed: choosing the "best" of the eight masks costs ≈ 20 ms in pure
    Python (80 % of a render) and every mask yields a valid code that scanners read.
    """
    code = segno.make(url, error="m", micro=False, mask=0)
    return [[bool(v) for v in row] for row in code.matrix]


def _runs(matrix: list[list[bool]]):
    """(row, first column, length) of each horizontal run of dark modules."""
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                yield r, start, c - start
            else:
                c += 1


def _draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """One filled path of rectangles (a few hundred ``re`` operators, one ``f``)."""
    matrix = qr_matrix(url)
    cell = size / len(matrix)
    k, page_h = pdf.k, pdf.h
    parts = [f"{(x + c * cell) * k:.2f} {(page_h - y - (r + 1) * cell) * k:.2f} {n * cell * k:.2f} {cell * k:.2f} re"
             for r, c, n in _runs(matrix)]
    try:
        pdf._out("q 0 g " + " ".join(parts) + " f Q")
    except AttributeError:  # pragma: no cover - fpdf2 without _out: draw with the public API
        pdf.set_fill_color(0, 0, 0)
        for r, c, n in _runs(matrix):
            pdf.rect(x + c * cell, y + r * cell, n * cell, cell, style="F")


def _fit(pdf: FPDF, text: str, size: float, width: float, minimum: float = 12) -> None:
    """Set the Unicode font at the largest size <= ``size`` at which ``text`` fits in ``width``."""
    pdf.set_font("cert", "", size)
    while size > minimum and pdf.get_string_width(text) > width:
        size -= 1
        pdf.set_font("cert", "", size)


def _heading(pdf: FPDF, x: float, y: float, w: float, h: float, text: str, size: float, align: str = "C") -> None:
    """Our own ASCII labels: the core Helvetica Bold (no font to embed)."""
    pdf.set_font("helvetica", "B", size)
    pdf.set_xy(x, y)
    pdf.cell(w, h, text, align=align)


def _strong(pdf: FPDF, stroke: float):
    """Draw the Unicode font a little heavier (fill + an outline of ``stroke`` points: fpdf2 writes
    the text's line width as is): one embedded font instead of a regular and a bold one."""
    pdf.text_mode = TextMode.FILL_STROKE
    pdf.set_line_width(stroke)


def render(content: CertificateContent) -> bytes:
    """The certificate PDF (fpdf2). Rendered once per certificate and stored (issuing.pdf_path):
    a download streams the stored file, so the render time does not reach the learner."""
    return _render_fpdf(content)


def _title_lines(pdf: FPDF, title: str, width: float) -> tuple[float, list[str]]:
    """The course title on one line (22 pt down to 14), else wrapped on words (at most 3 lines),
    measured with fpdf2's string widths in the certificate font."""
    def fits(text: str, size: float) -> bool:
        pdf.set_font("cert", "", size)
        return pdf.get_string_width(text) <= width

    for size in range(22, 13, -1):
        if fits(title, size):
            return size, [title]
    for size in range(18, 9, -1):
        lines, line = [], ""
        for word in title.split():
            candidate = f"{line} {word}".strip()
            if line and not fits(candidate, size):
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
        if len(lines) <= 3 and all(fits(x, size) for x in lines):
            return size, lines
    return 10, [title]


def _render_fpdf(content: CertificateContent) -> bytes:
    """One landscape A4 page; a system CJK font is the fallback for text outside the shipped font."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(f"Certificate {content.number}")
    pdf.set_author(content.site_name)
    pdf.set_creator(content.site_name)
    pdf.add_font("cert", "", REGULAR)
    extra = cjk_font()
    if extra is not None:
        pdf.add_font("cjk", "", extra)
        pdf.set_fallback_fonts(["cjk"], exact_match=False)
    pdf.add_page()
    w = pdf.w
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, w - 28, pdf.h - 28)
    inner = w - 60

    pdf.set_text_color(*ACCENT)
    pdf.set_draw_color(*ACCENT)
    _strong(pdf, 0.6)
    pdf.set_font("cert", "", 16)
    pdf.set_xy(30, 28)
    pdf.cell(inner, 10, content.site_name, align="C")
    pdf.text_mode = TextMode.FILL
    pdf.set_text_color(*INK)
    _heading(pdf, 30, 44, inner, 16, "Certificate of Completion", 32)
    pdf.set_text_color(*MUTED)
    pdf.set_font("cert", "", 13)
    pdf.set_xy(30, 68)
    pdf.cell(inner, 8, "This certifies that", align="C")

    pdf.set_text_color(*INK)
    pdf.set_draw_color(*INK)
    _strong(pdf, 1.5)
    _fit(pdf, content.learner_name, 32, inner)
    pdf.set_xy(30, 79)
    pdf.cell(inner, 16, content.learner_name, align="C")
    pdf.text_mode = TextMode.FILL
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.3)
    pdf.line(w / 2 - 70, 98, w / 2 + 70, 98)
    pdf.set_text_color(*MUTED)
    pdf.set_font("cert", "", 13)
    pdf.set_xy(30, 103)
    pdf.cell(inner, 8, "has successfully completed the course", align="C")
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*INK)
    _strong(pdf, 0.9)
    size, lines = _title_lines(pdf, content.course_title, inner)
    pdf.set_font("cert", "", size)
    y = 113
    for line in lines:
        pdf.set_xy(30, y)
        pdf.cell(inner, 10, line, align="C")
        y += 10
    pdf.set_y(y)
    pdf.text_mode = TextMode.FILL
    pdf.set_text_color(*MUTED)
    pdf.set_font("cert", "", 13)
    pdf.set_xy(30, min(pdf.get_y() + 4, 140))
    pdf.cell(inner, 8, f"taught by {content.teacher_name}", align="C")

    # Footer: date and number on the left, the QR code on the right.
    pdf.set_text_color(*INK)
    _heading(pdf, 30, 160, 120, 6, "Completed on", 11, align="L")
    pdf.set_font("cert", "", 11)
    pdf.set_xy(30, 166)
    pdf.cell(120, 6, content.date_label)
    _heading(pdf, 30, 172, 120, 6, "Certificate number", 11, align="L")
    pdf.set_font("cert", "", 11)
    pdf.set_xy(30, 178)
    pdf.cell(120, 6, content.number)
    qr_size = 34
    qr_x, qr_y = w - 30 - qr_size, 150
    _draw_qr(pdf, content.verify_url, qr_x, qr_y, qr_size)
    pdf.set_text_color(*MUTED)
    pdf.set_font("cert", "", 7)
    pdf.set_xy(w - 30 - 90, qr_y + qr_size + 1)
    pdf.cell(90, 4, "Verify: " + content.verify_url, align="R")
    return bytes(pdf.output())

"""Demo media made on the machine at seed time (no downloads): course covers (Pillow), short
title-card videos (WebM/VP8 through PyAV's bundled FFmpeg) and one-page PDF handouts (fpdf2).

Covers are styled per category (colours and a motif); videos show the lesson and course title
with a moving progress bar, long enough to watch and complete; each is made once per process
(the seed and the tests may ask for the same one again).
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import os
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = Path(__file__).resolve().parent.parent / "certificates" / "fonts" / "DejaVuSans-Cert.ttf"
VIDEO_SECONDS = 12
VIDEO_FPS = 5
VIDEO_SIZE = (480, 270)

# Per category: (dark, light) colours and a motif drawn on the cover.
STYLES = {
    "programming": ((30, 58, 138), (59, 130, 246), "brackets"),
    "web-development": ((15, 118, 110), (45, 212, 191), "grid"),
    "data-science": ((88, 28, 135), (192, 132, 252), "bars"),
    "design": ((157, 23, 77), (244, 114, 182), "circles"),
    "business": ((146, 64, 14), (251, 191, 36), "steps"),
    "devops": ((22, 78, 99), (34, 211, 238), "boxes"),
    "mobile-development": ((21, 94, 117), (125, 211, 252), "phones"),
    "cybersecurity": ((20, 83, 45), (74, 222, 128), "shield"),
}
DEFAULT_STYLE = ((55, 65, 81), (156, 163, 175), "circles")


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    return lines + ([line] if line else [])


def _gradient(size: tuple[int, int], dark, light) -> Image.Image:
    w, h = size
    top = Image.new("RGB", (1, 2))
    top.putpixel((0, 0), dark)
    top.putpixel((0, 1), tuple((d + l) // 2 for d, l in zip(dark, light)))
    return top.resize((w, h), Image.Resampling.BILINEAR)


def _motif(draw: ImageDraw.ImageDraw, kind: str, w: int, h: int, colour) -> None:
    x0 = int(w * 0.62)
    if kind == "brackets":
        f = _font(int(h * 0.42))
        draw.text((w - 60 - int(draw.textlength("{ }", font=f)), int(h * 0.2)), "{ }", font=f, fill=colour)
    elif kind == "grid":
        for i in range(5):
            for j in range(4):
                draw.rectangle((x0 + i * w // 14, h // 6 + j * h // 7, x0 + i * w // 14 + w // 18,
                                h // 6 + j * h // 7 + h // 11), outline=colour, width=3)
    elif kind == "bars":
        for i, v in enumerate((0.3, 0.55, 0.4, 0.75, 0.6)):
            x = x0 + i * w // 13
            draw.rectangle((x, int(h * (0.85 - v)), x + w // 18, int(h * 0.85)), fill=colour)
    elif kind == "circles":
        for i, r in enumerate((0.28, 0.2, 0.12)):
            c = (int(w * 0.8), int(h * 0.45))
            draw.ellipse((c[0] - r * h, c[1] - r * h, c[0] + r * h, c[1] + r * h), outline=colour, width=4 + i)
    elif kind == "steps":
        for i in range(5):
            draw.rectangle((x0 + i * w // 14, int(h * (0.8 - i * 0.12)), x0 + (i + 1) * w // 14, int(h * 0.8)),
                           fill=colour)
    elif kind == "boxes":
        for i in range(3):
            for j in range(2):
                draw.rounded_rectangle((x0 + i * w // 9, h // 4 + j * h // 4, x0 + i * w // 9 + w // 11,
                                        h // 4 + j * h // 4 + h // 6), radius=6, outline=colour, width=3)
    elif kind == "phones":
        for i in range(2):
            x = x0 + i * w // 7
            draw.rounded_rectangle((x, h // 5 + i * h // 12, x + w // 10, h // 5 + i * h // 12 + h // 2),
                                   radius=12, outline=colour, width=4)
    elif kind == "shield":
        cx, top = int(w * 0.8), int(h * 0.18)
        draw.polygon([(cx - h * 0.2, top), (cx + h * 0.2, top), (cx + h * 0.2, top + h * 0.3),
                      (cx, top + h * 0.55), (cx - h * 0.2, top + h * 0.3)], outline=colour, width=5)


@functools.lru_cache(maxsize=64)
def cover_image(title: str, category_slug: str, category_name: str) -> bytes:
    """A 1280×720 WebP cover: category colours and motif, the title, the category name."""
    dark, light, motif = STYLES.get(category_slug, DEFAULT_STYLE)
    w, h = 1280, 720
    img = _gradient((w, h), dark, light)
    draw = ImageDraw.Draw(img)
    _motif(draw, motif, w, h, tuple(min(255, c + 70) for c in light))
    small, big = _font(34), _font(76)
    draw.text((72, 80), category_name.upper(), font=small, fill=(255, 255, 255))
    y = 150
    for line in _wrap(draw, title, big, int(w * 0.55))[:4]:
        draw.text((72, y), line, font=big, fill=(255, 255, 255))
        y += 92
    out = io.BytesIO()
    img.save(out, format="WEBP", quality=82)
    return out.getvalue()


def _cache_dir() -> Path:
    return Path(os.environ.get("LMS_DEMO_MEDIA_CACHE") or Path(tempfile.gettempdir()) / "lms-demo-media")


@functools.lru_cache(maxsize=128)
def video_clip(lesson_title: str, course_title: str, category_slug: str = "", seconds: int = VIDEO_SECONDS) -> bytes:
    """A short silent WebM (VP8): a title card with a progress bar, ``seconds`` long.

    Encoding takes about a second of CPU, so clips are also kept in a machine-wide cache
    (``LMS_DEMO_MEDIA_CACHE``, default ``$TMPDIR/lms-demo-media``) keyed by what they show: seeding
    again, or another test database, reuses them."""
    key = hashlib.sha256("\x1f".join(("v1", lesson_title, course_title, category_slug, str(seconds),
                                       str(VIDEO_FPS), str(VIDEO_SIZE))).encode()).hexdigest()[:32]
    cached = _cache_dir() / f"{key}.webm"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    data = _encode_clip(lesson_title, course_title, category_slug, seconds)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(cached)
    except OSError:
        pass
    return data


def _encode_clip(lesson_title: str, course_title: str, category_slug: str, seconds: int) -> bytes:
    import av  # PyAV: FFmpeg's libraries in a wheel (no system ffmpeg needed)

    dark, light, _ = STYLES.get(category_slug, DEFAULT_STYLE)
    w, h = VIDEO_SIZE
    base = _gradient((w, h), dark, light)
    draw = ImageDraw.Draw(base)
    draw.text((24, 24), course_title, font=_font(16), fill=(255, 255, 255))
    y = 80
    for line in _wrap(draw, lesson_title, _font(34), w - 48)[:3]:
        draw.text((24, y), line, font=_font(34), fill=(255, 255, 255))
        y += 42
    buffer = io.BytesIO()
    container = av.open(buffer, "w", format="webm")
    stream = container.add_stream("libvpx", rate=VIDEO_FPS, options={"deadline": "realtime", "cpu-used": "16",
                                                                      "lag-in-frames": "0", "threads": "1"})
    stream.width, stream.height, stream.pix_fmt, stream.bit_rate = w, h, "yuv420p", 150_000
    frames = seconds * VIDEO_FPS
    for i in range(frames):
        frame = base.copy()
        d = ImageDraw.Draw(frame)
        d.rectangle((24, h - 40, 24 + int((w - 48) * (i + 1) / frames), h - 30), fill=(255, 255, 255))
        cx = 24 + int((w - 48) * (0.5 + 0.5 * math.sin(i / 6)))
        d.ellipse((cx - 6, h - 70, cx + 6, h - 58), fill=(255, 255, 255))
        for packet in stream.encode(av.VideoFrame.from_image(frame)):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return buffer.getvalue()


@functools.lru_cache(maxsize=64)
def handout_pdf(lesson_title: str, course_title: str, points: tuple[str, ...]) -> bytes:
    """A one-page PDF handout (fpdf2): the title, the course and the key points."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_title(f"{lesson_title} - {course_title}")
    pdf.add_page()
    pdf.set_font("DejaVu", size=11)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(0, 8, course_title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=22)
    pdf.set_text_color(20, 20, 20)
    pdf.multi_cell(0, 11, lesson_title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", size=12)
    for point in points:
        pdf.multi_cell(0, 7, f"•  {point}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def file_name(prefix: str, *parts: str, suffix: str) -> str:
    """A stable stored name for demo media (seeding again reuses the file)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
    return f"{prefix}-{digest}{suffix}"

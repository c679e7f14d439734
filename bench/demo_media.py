"""How long the demo media take to make and how big they are (cold clip cache).

    python bench/demo_media.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

os.environ["LMS_DEMO_MEDIA_CACHE"] = tempfile.mkdtemp(prefix="bench-demo-media-")

from lms_app.demo import content, media, readings  # noqa: E402


def main() -> None:
    covers, clips, pdfs = [], [], []
    t0 = time.perf_counter()
    for slug, title, _sub, cat, *_rest, modules in content.COURSES:
        t = time.perf_counter()
        data = media.cover_image(title, cat, cat)
        covers.append((time.perf_counter() - t, len(data)))
        for _m, rows in modules:
            for lesson, kind, *_ in rows:
                t = time.perf_counter()
                if kind == "video":
                    data = media.video_clip(lesson, title, cat)
                    clips.append((time.perf_counter() - t, len(data)))
                elif kind == "pdf":
                    data = media.handout_pdf(lesson, title, readings.handout_points(lesson, title, ["A point"]))
                    pdfs.append((time.perf_counter() - t, len(data)))
    total = time.perf_counter() - t0
    for name, rows in (("covers", covers), ("video clips", clips), ("PDF handouts", pdfs)):
        print(f"{name}: {len(rows)}, median {statistics.median(r[0] for r in rows) * 1000:.0f} ms, "
              f"median {statistics.median(r[1] for r in rows) / 1024:.0f} KB, total {sum(r[1] for r in rows) / 1024:.0f} KB")
    print(f"all demo media, cold: {total:.1f} s")
    t = time.perf_counter()
    media.video_clip.cache_clear()
    for slug, title, _sub, cat, *_rest, modules in content.COURSES:
        for _m, rows in modules:
            for lesson, kind, *_ in rows:
                if kind == "video":
                    media.video_clip(lesson, title, cat)
    print(f"all clips again from the disk cache: {(time.perf_counter() - t) * 1000:.0f} ms")


if __name__ == "__main__":
    main()

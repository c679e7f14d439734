"""Uploaded images: checked by content on the server, re-encoded (stored by core/storage.py).

The browser's file-type and size limits are only hints. Here the bytes are opened with
Pillow (the declared name and MIME type are ignored), decompression bombs are refused, and
the picture is re-encoded, which strips metadata and anything smuggled after the image data.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

from lms_app.core.errors import ServiceError

ALLOWED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000


def process_image(data: bytes, *, max_bytes: int, size: tuple[int, int], crop: bool, field: str) -> bytes:
    """Validate ``data`` as an image and return it re-encoded as WebP at most ``size``."""
    limit_mb = max_bytes // (1024 * 1024)
    if len(data) == 0:
        raise ServiceError("The file is empty. Choose a PNG, JPEG, WebP or GIF image.", field)
    if len(data) > max_bytes:
        raise ServiceError(f"The image is larger than {limit_mb} MB. Choose a smaller one.", field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                probe.verify()
            if fmt not in ALLOWED_FORMATS:
                raise ServiceError("That file is not a PNG, JPEG, WebP or GIF image.", field)
            with Image.open(io.BytesIO(data)) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise ServiceError("The image has too many pixels. Choose a smaller one.", field)
                img = ImageOps.exif_transpose(img)
                img = img.convert("RGBA" if img.mode in ("RGBA", "LA", "P") else "RGB")
                if crop:
                    img = ImageOps.fit(img, size, Image.Resampling.LANCZOS)
                else:
                    img.thumbnail(size, Image.Resampling.LANCZOS)
                out = io.BytesIO()
                img.save(out, format="WEBP", quality=85)
                return out.getvalue()
    except ServiceError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ServiceError("The image has too many pixels. Choose a smaller one.", field) from None
    except Exception:  # Pillow raises many types for broken or non-image input
        raise ServiceError("That file is not a PNG, JPEG, WebP or GIF image.", field) from None

"""Serving stored files from the app's guarded routes (the permission check stays in the route).

- Local storage: the file is streamed from disk (``FileResponse``: Range requests, so videos seek).
- Object storage, private files: a redirect to a presigned URL that expires after
  ``LMS_STORAGE_URL_SECONDS`` (the route has already checked that this viewer may read it; the
  URL carries the download name and type, and is not cached).
- Object storage, public pictures: a redirect to ``LMS_S3_PUBLIC_URL`` when set (a CDN in front of
  the bucket), else streamed through the app in chunks.
"""

from __future__ import annotations

from starlette.responses import FileResponse, RedirectResponse, Response, StreamingResponse

from lms_app.core.settings import Settings
from lms_app.core.storage import CHUNK, Storage

NOT_FOUND_HEADERS = {"Cache-Control": "no-store"}


def not_found() -> Response:
    return Response("Not found", status_code=404, headers=NOT_FOUND_HEADERS)


def serve(storage: Storage, settings: Settings, key: str | None, *, media_type: str, headers: dict[str, str],
          public: bool = False, filename: str | None = None, disposition: str = "attachment") -> Response:
    """The response for a stored file the caller may read (404 when it is gone)."""
    if key is None:
        return not_found()
    path = storage.local_path(key)
    if path is not None:
        return FileResponse(path, media_type=media_type, headers=headers)
    if storage.kind == "local":
        return not_found()
    if public:
        url = storage.public_url(key)
        if url:
            return RedirectResponse(url, status_code=302, headers={"Cache-Control": "public, max-age=3600"})
        return _stream(storage, key, media_type, headers)
    if not storage.exists(key):
        return not_found()
    url = storage.signed_url(key, expires=settings.storage_url_seconds, filename=filename, content_type=media_type,
                             disposition=disposition)
    if url is None:
        return _stream(storage, key, media_type, headers)
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store", "Vary": "Cookie",
                                                           "Referrer-Policy": "no-referrer"})


def send(storage: Storage, key: str | None, *, media_type: str, headers: dict[str, str]) -> Response:
    """The file itself in the answer (never a redirect), for API clients that expect the bytes:
    the local file, or streamed from object storage; 404 when it is gone."""
    if key is None:
        return not_found()
    path = storage.local_path(key)
    if path is not None:
        return FileResponse(path, media_type=media_type, headers=headers)
    if storage.kind == "local":
        return not_found()
    return _stream(storage, key, media_type, headers)


def _stream(storage: Storage, key: str, media_type: str, headers: dict[str, str]) -> Response:
    size = storage.size(key)
    if size is None:
        return not_found()

    def chunks():
        with storage.open(key) as fh:
            while chunk := fh.read(CHUNK):
                yield chunk

    return StreamingResponse(chunks(), media_type=media_type, headers={**headers, "Content-Length": str(size)})

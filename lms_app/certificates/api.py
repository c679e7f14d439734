"""Certificate routes: the PDF download (owner or admin), the signed credential, the issuer key.

``/api/certificates/<number>.pdf``  stored PDF, rendered on first download; 404 for anyone
                                     but the owner (while valid) and admins.
``/api/credentials/<number>.json``   Open Badges 3.0 credential with an eddsa-jcs-2022 proof;
                                     410 with {"status": "revoked"} once revoked.
``/api/issuer.json`` (and ``/.well-known/lms-issuer.json``)  issuer profile with the public key.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lms_app.core import storage, storage_http
from lms_app.core.db import run_db
from lms_app.core.origins import public_base
from lms_app.core.sessions import SESSION_COOKIE, actor_or_none
from lms_app.core.settings import get_settings

_NO_STORE = {"Cache-Control": "no-store"}
_JSON_HEADERS = {"Access-Control-Allow-Origin": "*", "X-Content-Type-Options": "nosniff"}


def base_url(request: Request) -> str:
    """LMS_PUBLIC_URL; without it (development) the request's origin only if it is localhost.

    Never the Host header as such: a credential fetched with ``Host: evil.example`` must not
    name evil.example as its issuer, nor a first download freeze it into the PDF's QR code."""
    return public_base(get_settings(), f"{request.url.scheme}://{request.url.netloc}")


def _pdf_lookup(session, token, number, base):
    from lms_app.certificates.services import issuing as certificates

    return certificates.pdf_file(session, get_settings(), actor_or_none(session, token) if token else None, number, base)


async def certificate_pdf(request: Request) -> Response:
    found = await run_db(_pdf_lookup, request.cookies.get(SESSION_COOKIE), request.path_params["number"],
                         base_url(request))
    if found is None:
        return Response("Not found", status_code=404, headers=_NO_STORE)
    name, key = found
    settings = get_settings()
    return storage_http.serve(storage.get_storage(settings), settings, key, media_type="application/pdf",
                              filename=name,
                              headers={"Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff",
                                       "Content-Disposition": f'attachment; filename="{name}"', "Vary": "Cookie"})


def _credential(session, number, base):
    from lms_app.certificates.services import issuing as certificates

    return certificates.credential(session, get_settings(), number, base)


async def credential(request: Request) -> Response:
    found = await run_db(_credential, request.path_params["number"], base_url(request))
    if found is None:
        return JSONResponse({"status": "unknown"}, status_code=404, headers={**_JSON_HEADERS, **_NO_STORE})
    status, body = found
    return JSONResponse(body, status_code=200 if status == "valid" else 410, media_type="application/ld+json"
                        if status == "valid" else "application/json",
                        headers={**_JSON_HEADERS, "Cache-Control": "no-cache"})


async def issuer(request: Request) -> Response:
    from lms_app.certificates.services import credentials

    settings = get_settings()
    body = credentials.issuer_profile(base_url(request), settings.site_name, settings.secret_key)
    return JSONResponse(body, headers={**_JSON_HEADERS, "Cache-Control": "public, max-age=3600"})


ROUTES = [
    Route("/api/certificates/{number}.pdf", certificate_pdf, methods=["GET"]),
    Route("/api/credentials/{number}.json", credential, methods=["GET"]),
    Route("/api/issuer.json", issuer, methods=["GET"]),
    Route("/.well-known/lms-issuer.json", issuer, methods=["GET"]),
]

"""REST: my certificates, the PDF of one, the public verification of a certificate number and its
signed credential (the Open Badges 3.0 / W3C Verifiable Credential that ``credentials`` signs)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from lms_app.api.deps import require
from lms_app.api.dto import model_of
from lms_app.api.errors import not_found, responses
from lms_app.api.services.tokens import Principal
from lms_app.certificates.models import CertificateView, VerifyView
from lms_app.certificates.services import issuing
from lms_app.core import storage, storage_http
from lms_app.core.db import run_db
from lms_app.core.origins import public_base
from lms_app.core.settings import get_settings

router = APIRouter(tags=["certificates"])


def _base(request: Request) -> str:
    return public_base(get_settings(), request.headers.get("origin"))  # never a forged Host


@router.get("/me/certificates", response_model=list[model_of(CertificateView)], responses=responses(401, 403, 429),
            summary="My certificates, newest first")
async def my_certificates(request: Request, principal: Principal = Depends(require("read"))):
    return await run_db(issuing.for_learner, principal.actor, _base(request), get_settings().site_name)


@router.get("/certificates/{number}", response_model=model_of(VerifyView), responses=responses(429),
            summary="Verify a certificate number (public: valid, revoked or unknown)")
async def verify(request: Request, number: str = Path(max_length=60, pattern=r"^[A-Za-z0-9-]{1,60}$")):
    return await run_db(issuing.public_view, number, _base(request), get_settings().site_name)


NUMBER = r"^[A-Za-z0-9-]{1,60}$"


class LdJsonResponse(JSONResponse):
    media_type = "application/ld+json"


class RevokedCredential(BaseModel):
    number: str
    status: str
    revokedAt: str  # noqa: N815  (the credential's own field names)
    verify: str


# response_class=Response: the errors stay documented as application/json, the 200 as what it is.
@router.get("/me/certificates/{number}/pdf", response_class=Response, responses={
    200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
          "description": "The certificate as a PDF"}, **responses(401, 403, 404, 429)},
    summary="Download one of my certificates as a PDF")
async def certificate_pdf(request: Request, number: str = Path(max_length=60, pattern=NUMBER),
                          principal: Principal = Depends(require("read"))):
    settings = get_settings()
    found = await run_db(issuing.pdf_file, settings, principal.actor, number, _base(request))
    if found is None:
        raise not_found("That certificate")
    name, key = found
    sent = storage_http.send(storage.get_storage(settings), key, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff"})
    if sent.status_code == 404:
        raise not_found("That certificate")
    return sent


@router.get("/certificates/{number}/credential", response_class=Response, responses={
    200: {"content": {"application/ld+json": {"schema": {"type": "object"}}},
          "description": "The signed credential (Open Badges 3.0, eddsa-jcs-2022 proof)"},
    410: {"model": RevokedCredential, "description": "revoked"}, **responses(404, 429)},
    summary="A certificate's signed credential (public)")
async def credential(request: Request, number: str = Path(max_length=60, pattern=NUMBER)):
    found = await run_db(issuing.credential, get_settings(), number, _base(request))
    if found is None:
        raise not_found("That certificate")
    status, body = found
    if status != "valid":
        return JSONResponse(body, status_code=410)
    return LdJsonResponse(body)

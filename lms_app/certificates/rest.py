"""REST: my certificates and the public verification of a certificate number."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request

from lms_app.api.deps import require
from lms_app.api.dto import model_of
from lms_app.api.errors import responses
from lms_app.api.services.tokens import Principal
from lms_app.certificates.models import CertificateView, VerifyView
from lms_app.certificates.services import issuing
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

"""REST for admins: certificates (search, revoke, reissue) through the admin page's services."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from lms_app.api.deps import require
from lms_app.api.dto import model_of
from lms_app.api.errors import ApiError, responses
from lms_app.api.services.tokens import Principal
from lms_app.api.staff import Reason, call
from lms_app.certificates.models import AdminCertificateView
from lms_app.certificates.services import issuing
from lms_app.core.errors import ServiceError
from lms_app.core.origins import public_base
from lms_app.core.settings import get_settings

router = APIRouter(tags=["admin"])
def Number():
    return Path(max_length=40, pattern=r"^[A-Za-z0-9-]{1,40}$", description="The certificate number, like LL-2026-ABCD")


class CertificatePage(BaseModel):
    rows: list[model_of(AdminCertificateView)]
    total: int
    page: int
    pages: int


class CertificateState(BaseModel):
    number: str
    revoked: bool
    revoke_reason: str
    replaces: str = Field("", description="On reissue: the number it replaces")


def _base(request: Request) -> str:
    return public_base(get_settings(), request.headers.get("origin"))


def _list(session, actor, q, page, base):
    rows, total = issuing.admin_list(session, actor, q, page, base, get_settings().site_name)
    return CertificatePage(rows=rows, total=total, page=page, pages=max(1, -(-total // issuing.PAGE_SIZE)))


def _revoke(session, actor, number, reason):
    cert = issuing.revoke(session, actor, number, reason)
    return CertificateState(number=cert.number, revoked=True, revoke_reason=cert.revoke_reason)


def _reissue(session, actor, number):
    cert = issuing.reissue(session, actor, number)
    return CertificateState(number=cert.number, revoked=False, revoke_reason="", replaces=number.strip().upper())


async def _checked(fn, *args):
    try:
        return await call(fn, *args)
    except ServiceError as exc:
        if exc.field == "number":  # "No certificate has that number."
            raise ApiError(404, exc.message, "not_found") from None
        raise


@router.get("/admin/certificates", response_model=CertificatePage, responses=responses(401, 403, 429),
            summary="Certificates matching a number, learner or course, newest first")
async def certificates(request: Request, q: str = Query("", max_length=100), page: int = Query(1, ge=1, le=10_000),
                       principal: Principal = Depends(require("admin"))):
    return await call(_list, principal.actor, q, page, _base(request))


@router.post("/admin/certificates/{number}/revoke", response_model=CertificateState,
             responses=responses(401, 403, 404, 422, 429), summary="Revoke a certificate (verification shows it)")
async def revoke(body: Reason, number: str = Number(), principal: Principal = Depends(require("admin"))):
    return await _checked(_revoke, principal.actor, number, body.reason)


@router.post("/admin/certificates/{number}/reissue", response_model=CertificateState,
             responses=responses(401, 403, 404, 422, 429),
             summary="Reissue: revoke this one and issue a fresh number with today's names")
async def reissue(number: str = Number(), principal: Principal = Depends(require("admin"))):
    return await _checked(_reissue, principal.actor, number)

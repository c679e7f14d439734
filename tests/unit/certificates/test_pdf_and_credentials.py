"""The PDF (Unicode names, number, QR to the verify page, stored once), the signed credential,
the verify view, and the HTTP routes (who may download; what leaks)."""

from __future__ import annotations

import copy
import io
import json

import pypdf
import pytest
import segno
from starlette.testclient import TestClient

import lms_app.core.db
from lms_app.core.http import build_api
from lms_app.core.sessions import SESSION_COOKIE
from lms_app.certificates.services import pdf as certificate_pdf, issuing as certificates, credentials
from tests.unit.certificates.cert_support import certified, only_certificate

BASE = "https://learn.example.org"
PUBLIC_FIELDS = {"status", "number", "learner_name", "course_title", "teacher_name", "date_label", "issuer",
                 "revoked_label", "credential_href", "linkedin_href",
                 "holder_closed",  # whether the holder deleted their account (privacy feature)
                 "completion_rule"}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("name", ["Zoë Ørsted-Núñez", "Пётр Чайковский", "Ελένη Παπαδοπούλου", "Nguyễn Thị Ánh"])
def test_any_latin_cyrillic_or_greek_name_renders_in_the_landscape_pdf(name):
    content = certificate_pdf.CertificateContent(
        site_name="Lumen Learning", learner_name=name, course_title="Ünïcode — for everyone", teacher_name="Ada L.",
        date_label="22 November 2026", number="ABCD-EFGH-IJKL-MNOP-QRST-UVWX",
        verify_url=f"{BASE}/verify/ABCD-EFGH-IJKL-MNOP-QRST-UVWX")
    data = certificate_pdf.render(content)
    reader = pypdf.PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    text = pdf_text(data)
    for part in (name, "Lumen Learning", "Ünïcode — for everyone", "Ada L.", "22 November 2026", content.number):
        assert part in text, (part, text)


def test_the_qr_code_encodes_the_verify_url():
    url = f"{BASE}/verify/ABCD-EFGH-IJKL-MNOP-QRST-UVWX"
    matrix = certificate_pdf.qr_matrix(url)
    assert matrix == [[bool(v) for v in row] for row in segno.make(url, error="m", micro=False, mask=0).matrix]
    assert matrix != certificate_pdf.qr_matrix(url.replace("ABCD", "ABCE"))


def test_pdf_is_rendered_once_stored_and_served_to_owner_and_admins_only(make_course, make_user, enroll, sign_in,
                                                                         settings, monkeypatch):
    cert, learner, actor, _ = certified(make_course, make_user, enroll, sign_in, name="Zoë Ørsted")
    other = sign_in(make_user())[1]
    teacher = sign_in(make_user(role="teacher"))[1]
    boss = sign_in(make_user(role="admin"))[1]
    with lms_app.core.db.session_scope() as s:
        for who in (None, other, teacher):
            assert certificates.pdf_file(s, settings, who, cert.number, BASE) is None
        name, key = certificates.pdf_file(s, settings, actor, cert.number, BASE)
    assert name == f"certificate-{cert.number}.pdf"
    path = settings.media_dir / key  # local storage keeps the media folder's layout
    assert key.startswith("certificates/") and path.parent == settings.media_dir / "certificates" and path.is_file()
    assert not str(path).startswith(str(settings.data_dir / "public"))
    text = pdf_text(path.read_bytes())
    assert "Zoë Ørsted" in text and cert.number in text and f"{BASE}/verify/{cert.number}" in text
    assert only_certificate(learner.id).pdf_file == path.name

    def no_render(content):
        raise AssertionError("rendered again")

    monkeypatch.setattr(certificate_pdf, "render", no_render)
    with lms_app.core.db.session_scope() as s:
        assert certificates.pdf_file(s, settings, actor, cert.number, BASE)[1] == key
        assert certificates.pdf_file(s, settings, boss, cert.number, BASE)[1] == key
        certificates.revoke(s, boss, cert.number, "Testing revocation")
    with lms_app.core.db.session_scope() as s:
        assert certificates.pdf_file(s, settings, actor, cert.number, BASE) is None
        assert certificates.pdf_file(s, settings, boss, cert.number, BASE)[1] == key


def _credential(settings, number):
    with lms_app.core.db.session_scope() as s:
        return certificates.credential(s, settings, number, BASE)


def test_credential_is_signed_and_tampering_or_another_key_fails(make_course, make_user, enroll, sign_in, settings):
    cert, learner, _, _ = certified(make_course, make_user, enroll, sign_in, name="Ελένη")
    status, doc = _credential(settings, cert.number)
    assert status == "valid"
    assert "OpenBadgeCredential" in doc["type"] and doc["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert doc["credentialSubject"]["identifier"][0]["identityHash"] == "Ελένη"
    key = credentials.public_multibase(settings.secret_key)
    assert credentials.verify(doc, key)
    with lms_app.core.db.session_scope() as s:
        assert certificates.verify_credential(s, settings, doc)
    for path, value in ((("credentialSubject", "identifier", 0, "identityHash"), "Mallory"),
                        (("credentialSubject", "achievement", "name"), "Another course"),
                        (("validFrom",), "2001-01-01T00:00:00Z"), (("proof", "created"), "2001-01-01T00:00:00Z")):
        forged = copy.deepcopy(doc)
        target = forged
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        assert not credentials.verify(forged, key), path
        with lms_app.core.db.session_scope() as s:
            assert not certificates.verify_credential(s, settings, forged)
    other_key = credentials.public_multibase("another secret key of at least thirty-two chars")
    assert other_key != key and not credentials.verify(doc, other_key)
    for junk in (None, [], {}, {"proof": "x"}, {**doc, "proof": {**doc["proof"], "proofValue": "z0OIl"}}):
        assert not credentials.verify(junk, key)
    # Nothing beyond the listed fields: no email, no account id.
    raw = json.dumps(doc)
    assert learner.email not in raw and f'"{learner.id}"' not in raw and "user_id" not in raw


def test_revoked_credential_says_revoked_and_no_longer_verifies(make_course, make_user, enroll, sign_in, settings):
    cert, _, _, _ = certified(make_course, make_user, enroll, sign_in)
    status, doc = _credential(settings, cert.number)
    boss = sign_in(make_user(role="admin"))[1]
    with lms_app.core.db.session_scope() as s:
        certificates.revoke(s, boss, cert.number, "Plagiarism")
    status, body = _credential(settings, cert.number)
    assert status == "revoked" and body["status"] == "revoked" and "Plagiarism" not in json.dumps(body)
    with lms_app.core.db.session_scope() as s:
        assert not certificates.verify_credential(s, settings, doc)
    assert _credential(settings, "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA") is None


def test_public_view_shows_only_the_listed_fields(make_course, make_user, enroll, sign_in):
    teacher = make_user(role="teacher", name="Grace Hopper")
    course = make_course(teacher=teacher, title="Compilers")
    from tests.unit.certificates.cert_support import add_lessons, complete_course

    lessons = add_lessons(course, ("text",))
    learner = make_user(name="Пётр", email="petr@example.test", bio="private bio")
    enroll(learner, course)
    complete_course(sign_in(learner)[1], lessons)
    cert = only_certificate(learner.id)
    with lms_app.core.db.session_scope() as s:
        view = certificates.public_view(s, cert.number.lower(), BASE, "Lumen Learning")
    assert set(view) == PUBLIC_FIELDS
    assert (view["status"], view["learner_name"], view["course_title"], view["teacher_name"], view["issuer"]) == (
        "valid", "Пётр", "Compilers", "Grace Hopper", "Lumen Learning")
    assert "petr@example.test" not in json.dumps(view) and "private bio" not in json.dumps(view)
    assert "linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in view["linkedin_href"]
    assert f"certId={cert.number}" in view["linkedin_href"] and "organizationName=Lumen+Learning" in view["linkedin_href"]
    with lms_app.core.db.session_scope() as s:
        unknown = certificates.public_view(s, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", BASE, "Lumen Learning")
        junk = certificates.public_view(s, {"$ne": 1}, BASE, "Lumen Learning")
    assert unknown["status"] == junk["status"] == "unknown" and unknown["learner_name"] == ""


# --- HTTP --------------------------------------------------------------------------------

@pytest.fixture
def client():
    # A localhost origin: without LMS_PUBLIC_URL (development) only local origins name the site.
    with TestClient(build_api(), base_url="http://localhost:3000") as c:
        yield c


def test_download_route_serves_the_owner_and_admins_and_404s_everyone_else(client, make_course, make_user, enroll,
                                                                           sign_in):
    cert, learner, _, _ = certified(make_course, make_user, enroll, sign_in)
    owner_token = sign_in(learner)[0]
    other_token = sign_in(make_user())[0]
    admin_token = sign_in(make_user(role="admin"))[0]
    url = f"/api/certificates/{cert.number}.pdf"
    assert client.get(url).status_code == 404
    client.cookies.set(SESSION_COOKIE, other_token)
    assert client.get(url).status_code == 404
    client.cookies.set(SESSION_COOKIE, owner_token)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert f"http://localhost:3000/verify/{cert.number}" in pdf_text(response.content)
    client.cookies.set(SESSION_COOKIE, admin_token)
    assert client.get(url).content == response.content
    other_number = cert.number[:-1] + ("B" if cert.number.endswith("A") else "A")  # (was flaky: 1 in 32 ends in A)
    assert client.get(f"/api/certificates/{other_number}.pdf").status_code == 404


def test_credential_and_issuer_routes_publish_a_key_that_verifies(client, make_course, make_user, enroll, sign_in):
    cert, _, _, _ = certified(make_course, make_user, enroll, sign_in)
    issuer = client.get("/api/issuer.json").json()
    assert client.get("/.well-known/lms-issuer.json").json() == issuer
    key = issuer["verificationMethod"][0]["publicKeyMultibase"]
    response = client.get(f"/api/credentials/{cert.number}.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["proof"]["verificationMethod"] == issuer["verificationMethod"][0]["id"]
    assert credentials.verify(doc, key)
    assert client.get("/api/credentials/AAAA-AAAA-AAAA-AAAA-AAAA-AAAA.json").status_code == 404
    assert client.get("/api/credentials/not-a-number.json").status_code == 404


def test_every_certificate_is_an_fpdf2_pdf_with_the_font_embedded():
    """One renderer (fpdf2) for every name; the shipped font is embedded (subset) in the file."""
    def make(name, title="Caching"):
        return certificate_pdf.render(certificate_pdf.CertificateContent(
            site_name="Lumen Learning", learner_name=name, course_title=title, teacher_name="T",
            date_label="1 May 2026", number="ABCD-EFGH-IJKL-MNOP-QRST-UVWX", verify_url=f"{BASE}/verify/x"))

    for name in ("Ada Lovelace", "Пётр Чайковский", "Ελένη Ζ", "Nguyễn Thị Ánh", "王小明"):
        data = make(name)
        reader = pypdf.PdfReader(io.BytesIO(data))
        assert reader.metadata.title == "Certificate ABCD-EFGH-IJKL-MNOP-QRST-UVWX"
        fonts = reader.pages[0]["/Resources"]["/Font"]
        embedded = [f.get_object() for f in fonts.values()
                    if f.get_object().get("/Subtype") == "/Type0"]
        assert embedded and all("/FontFile2" in d["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
                                for d in embedded)
        if name != "王小明" or certificate_pdf.cjk_font() is not None:
            assert name in pdf_text(data)
        assert "Lumen Learning" in pdf_text(data)


def test_long_course_titles_wrap_inside_the_frame():
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.add_font("cert", "", certificate_pdf.REGULAR)
    title = "A very long course title about " + "distributed systems and data engineering " * 3

    def width(text, size):
        pdf.set_font("cert", "", size)
        return pdf.get_string_width(text)

    size, lines = certificate_pdf._title_lines(pdf, title, 237)
    assert 1 < len(lines) <= 3 and all(width(line, size) <= 237 for line in lines)
    assert " ".join(lines) == " ".join(title.split())
    assert certificate_pdf._title_lines(pdf, "Short", 237) == (22, ["Short"])
    data = certificate_pdf.render(certificate_pdf.CertificateContent(
        site_name="Lumen Learning", learner_name="Ada", course_title=title, teacher_name="T",
        date_label="1 May 2026", number="ABCD-EFGH-IJKL-MNOP-QRST-UVWX", verify_url=f"{BASE}/verify/x"))
    text = " ".join(pdf_text(data).split())
    assert " ".join(title.split()) in text

"""The HTML the server sends for /verify/<number> (core/public_html.py): a link preview and a
reader without JavaScript get what the verify page shows, from the same ``public_view`` (two
queries), and nothing more: the holder's name as issued, the course, teacher, completion date,
issuer, number, completion rule, the revocation date, whether the holder closed the account.

Every verify page is ``noindex``: it exists for whoever holds the number (an employer following the
QR code or a LinkedIn link; previews still work), and indexing it would let a search for a
person's name list their certificates. An unknown number answers 404 ("Certificate not found").
"""

from __future__ import annotations

from sqlmodel import Session

from lms_app.certificates.services import issuing as certificates
from lms_app.core.public_html import PublicPage, esc, link, public_page_route
from lms_app.core.settings import get_settings

UNKNOWN_TEXT = "No certificate has this number. Check that it was typed exactly as printed."
HOLDER_CLOSED_TEXT = ("The holder has since closed their account. The certificate stands as issued, under the "
                      "name it was issued to.")


def render_verify(session: Session, params: dict, base: str) -> PublicPage:
    site = get_settings().site_name
    view = certificates.public_view(session, params.get("number"), base, site)
    heading = "<h1>Certificate verification</h1>"
    if view["status"] not in ("valid", "revoked"):
        return PublicPage(title=f"Certificate not found · {site}", description=UNKNOWN_TEXT, path="/verify",
                          status=404, noindex=True, body=f"{heading}<p>{esc(UNKNOWN_TEXT)}</p>")
    if view["status"] == "valid":
        status_text = "This certificate is valid."
        title = f"Certificate: {view['course_title']} — {view['learner_name']} · {site}"
        description = (f"{view['learner_name']} completed {view['course_title']} (teacher: {view['teacher_name']}) "
                       f"on {view['date_label']}. Certificate {view['number']}, issued by {view['issuer']}: valid.")
    else:
        status_text = f"This certificate was revoked on {view['revoked_label']}. It is no longer valid."
        title = f"Revoked certificate · {site}"
        description = status_text
    facts = [("Teacher", view["teacher_name"]), ("Completed on", view["date_label"]), ("Issued by", view["issuer"]),
             ("Certificate number", view["number"])]
    body = (f"{heading}<p><strong>{esc(status_text)}</strong></p>"
            f"<p>{esc(view['issuer'])}</p><h2>{esc(view['learner_name'])}</h2><p>completed</p>"
            f"<h3>{esc(view['course_title'])}</h3>"
            + (f"<p>{esc(HOLDER_CLOSED_TEXT)}</p>" if view["holder_closed"] else "")
            + "<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts) + "</dl>"
            + (f"<p>{esc(view['completion_rule'])}</p>" if view["completion_rule"] else "")
            + f"<p>{link(view['credential_href'], 'Signed credential (JSON)')}</p>")
    return PublicPage(title=title, description=description, path=f"/verify/{view['number']}", noindex=True,
                      body=body)


ROUTES = [public_page_route("/verify/{number}", render_verify)]

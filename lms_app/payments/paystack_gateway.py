"""Paystack over its REST API (``LMS_PAYSTACK_BASE_URL``, httpx): initialize, verify, webhooks, refunds.

- ``create_payment``: ``POST /transaction/initialize`` with our reference, the amount in minor
  units (kobo, pesewas, cents) and the buyer's e-mail; the learner is sent to Paystack's
  ``authorization_url`` and comes back to ``/api/payments/paystack/return?reference=...``.
- ``confirm``: ``GET /transaction/verify/<reference>``: the return trip never trusts the browser.
- ``parse_webhook``: ``x-paystack-signature`` is the hex HMAC-SHA512 of the raw body keyed with
  the secret key (compared in constant time); ``charge.success`` becomes ``payment.succeeded``.
  Paystack events carry no id, so the event id is ``<event>:<transaction id>``.
- ``refund``: ``POST /refund`` for the transaction.
- Subscriptions: ``ensure_plan`` (``POST /plan``), ``create_subscription`` (initialize with the
  plan code), ``cancel_subscription`` (``/subscription/disable``); their webhooks
  (``charge.success`` with a plan, ``subscription.create``, ``subscription.not_renew``,
  ``invoice.payment_failed``, ``subscription.disable``) go to ``subscriptions.apply_paystack_event``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets

import httpx

from lms_app.commerce.gateways.base import BadSignature, GatewayEvent
from lms_app.payments import config

NAME = "paystack"
MAX_BODY = 256 * 1024
SIGNATURE_HEADER = "x-paystack-signature"
REFERENCE = re.compile(r"[A-Za-z0-9_-]{1,80}")
INTERVALS = {"month": "monthly", "year": "annually"}


class PaystackError(RuntimeError):
    """Paystack answered with an error or not at all."""


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()


def _event(event_id: str, kind: str, data: dict) -> GatewayEvent | None:
    mapped = {"charge.success": "payment.succeeded", "success": "payment.succeeded",
              "failed": "payment.failed", "abandoned": None, "charge.failed": "payment.failed"}.get(kind)
    if mapped is None:
        return None
    try:
        return GatewayEvent(event_id=event_id[:100], kind=mapped, reference=str(data["reference"])[:80],
                            amount_minor=int(data["amount"]), currency=str(data.get("currency", "")).upper()[:3])
    except (KeyError, TypeError, ValueError):
        return None


_CLIENT: httpx.Client | None = None


def _client() -> httpx.Client:
    """One pooled client for the process: a new one per call re-reads the CA bundle (~14 ms) and
    opens a new TLS connection. httpx.Client is safe to share between threads."""
    global _CLIENT
    if _CLIENT is None:
        _CLIENT = httpx.Client(timeout=20)
    return _CLIENT


class PaystackGateway:
    name = NAME
    wants_details = True

    def __init__(self, settings):
        self.secret = config.get("LMS_PAYSTACK_SECRET_KEY")
        self.base = config.get("LMS_PAYSTACK_BASE_URL")
        self.public = (settings.public_url or "http://localhost:3000").rstrip("/")

    def _call(self, method: str, path: str, payload: dict | None = None) -> dict:
        try:
            response = _client().request(method, self.base + path, json=payload,
                                         headers={"Authorization": f"Bearer {self.secret}"})
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise PaystackError("Paystack could not be reached; try again in a minute.") from exc
        if response.status_code >= 400 or not body.get("status"):
            raise PaystackError(str(body.get("message") or "Paystack refused the request.")[:200])
        return body.get("data") or {}

    def create_payment(self, amount_minor: int, currency: str, order_id: int, description: str = "",
                       email: str = "") -> tuple[str, str]:
        reference = f"lms_{order_id}_{secrets.token_hex(6)}"
        data = self._call("POST", "/transaction/initialize", {
            "email": email, "amount": amount_minor, "currency": currency.upper(), "reference": reference,
            "callback_url": f"{self.public}/api/payments/paystack/return",
            "metadata": {"order_id": order_id, "description": description[:100]}})
        return reference, str(data["authorization_url"])

    def resume_url(self, reference: str) -> str:
        return f"{self.public}/api/payments/paystack/return?reference={reference}"

    def confirm(self, reference: str) -> GatewayEvent | None:
        if not REFERENCE.fullmatch(reference or ""):
            return None
        data = self._call("GET", f"/transaction/verify/{reference}")
        return _event(f"verify:{reference}", str(data.get("status", "")), data)

    def verified_payload(self, body: bytes, headers: dict[str, str]) -> tuple[str, dict]:
        """(event, data) of a body signed with our secret key (hex HMAC-SHA512, constant-time
        compare), or BadSignature."""
        given = {k.lower(): v for k, v in headers.items()}.get(SIGNATURE_HEADER, "")
        if not self.secret or not given or len(body) > MAX_BODY:
            raise BadSignature("missing signature or secret")
        if not hmac.compare_digest(given.encode(), sign(self.secret, body).encode()):
            raise BadSignature("signature mismatch")
        try:
            payload = json.loads(body)
            kind, data = str(payload["event"]), payload["data"]
            if not isinstance(data, dict):
                raise TypeError("data is not an object")
        except (ValueError, KeyError, TypeError) as exc:
            raise BadSignature("signed but malformed body") from exc
        return kind, data

    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> GatewayEvent:
        kind, data = self.verified_payload(body, headers)
        if "id" not in data:
            raise BadSignature("signed but malformed body")
        event_id = f"{kind}:{data['id']}"
        mapped = _event(event_id, kind, data)
        return mapped or GatewayEvent(event_id=event_id[:100], kind=kind, reference="", amount_minor=0, currency="")

    def refund(self, reference: str, amount_minor: int) -> None:
        self._call("POST", "/refund", {"transaction": reference, "amount": amount_minor})

    # Subscriptions (Paystack plans) ---------------------------------------------------------

    def ensure_plan(self, plan) -> str:
        """The plan's Paystack code, created there the first time (``POST /plan``) and kept on
        the plan row (saved with the caller's transaction)."""
        if plan.paystack_code:
            return plan.paystack_code
        data = self._call("POST", "/plan", {"name": plan.name, "interval": INTERVALS[plan.interval],
                                            "amount": plan.price_minor, "currency": plan.currency})
        plan.paystack_code = str(data["plan_code"])[:40]
        return plan.paystack_code

    def create_subscription(self, plan, user_id: int, email: str = "") -> tuple[str, str]:
        """Initialize a transaction on the plan: Paystack charges the first period, then creates
        the subscription (``subscription.create``) and charges each renewal. (reference, URL).
        Paystack has no trial on this path: the first period is charged at once."""
        code = self.ensure_plan(plan)
        reference = f"lms_sub_{user_id}_{secrets.token_hex(6)}"
        data = self._call("POST", "/transaction/initialize", {
            "email": email, "amount": plan.price_minor, "currency": plan.currency.upper(), "plan": code,
            "reference": reference, "callback_url": f"{self.public}/api/payments/paystack/return",
            "metadata": {"plan_id": plan.id, "user_id": user_id}})
        return reference, str(data["authorization_url"])

    def cancel_subscription(self, provider_ref: str) -> None:
        """Stop renewal: ``POST /subscription/disable`` with the subscription's e-mail token
        (read from Paystack, never stored here)."""
        if not provider_ref.startswith("SUB_"):
            raise PaystackError("Paystack has not confirmed this subscription yet; try again in a minute.")
        data = self._call("GET", f"/subscription/{provider_ref}")
        self._call("POST", "/subscription/disable", {"code": provider_ref, "token": data.get("email_token", "")})

    def transaction(self, reference: str) -> dict:
        """What Paystack says about a transaction now (the return trip of a subscription)."""
        if not REFERENCE.fullmatch(reference or ""):
            return {}
        return self._call("GET", f"/transaction/verify/{reference}")

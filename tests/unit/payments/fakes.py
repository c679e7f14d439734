"""Local stand-ins for Stripe's and Paystack's APIs (no network), plus signed webhook senders.

``FakeStripe`` answers the calls the Stripe adapter makes through the official library
(``LMS_STRIPE_API_BASE`` points the client here): create/retrieve Checkout Sessions, refunds,
subscription updates. It also serves a hosted "payment page" (``/pay/<session id>``) for the
browser test: its Pay button completes the session, POSTs a webhook signed with Stripe's own
signing code to the app and redirects to the session's success URL.

``FakePaystack`` answers ``/transaction/initialize``, ``/transaction/verify/<ref>``, ``/refund``
and serves ``/pay/<reference>`` the same way (HMAC-SHA512 signed ``charge.success``).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import stripe

STRIPE_WEBHOOK_SECRET = "whsec_test_fake_0123456789abcdef"
PAYSTACK_SECRET = "sk_test_paystack_0123456789abcdef"


def stripe_signature(body: bytes, secret: str = STRIPE_WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header made with the library's own signing code."""
    ts = int(time.time()) if timestamp is None else timestamp
    sig = stripe.WebhookSignature._compute_signature(f"{ts}.{body.decode()}", secret)
    return f"t={ts},v1={sig}"


def stripe_event(kind: str, obj: dict, event_id: str | None = None, created: int | None = None) -> bytes:
    return json.dumps({"id": event_id or f"evt_{next(_ids)}", "object": "event", "type": kind,
                       "api_version": "2025-01-01", "created": created or int(time.time()),
                       "data": {"object": obj}}).encode()


def paystack_signature(body: bytes, secret: str = PAYSTACK_SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()


_ids = itertools.count(1000)


class _Server:
    def __init__(self):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, payload, content_type="application/json", headers=None):
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                outer.calls.append(("GET", self.path))
                outer.handle(self, "GET", b"")

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.calls.append(("POST", self.path))
                outer.handle(self, "POST", body)

        self.calls: list[tuple[str, str]] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.app_base = ""  # where /pay sends the webhook (the browser test sets it)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def post_webhook(self, path: str, body: bytes, headers: dict) -> int:
        req = urllib.request.Request(self.app_base + path, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **headers})
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status


def _form(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode()).items()}


_PAY_PAGE = """<!doctype html><html><head><title>Fake {name} checkout</title></head><body>
<h1>Fake {name} checkout</h1><p id="amount">{amount} {currency}</p>
<form method="post" action="/pay/{ref}"><button id="fake-pay" type="submit">Pay</button></form></body></html>"""


class FakeStripe(_Server):
    def __init__(self):
        super().__init__()
        self.sessions: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.subscription_updates: list[tuple[str, dict]] = []
        self.invoices: dict[str, dict] = {}

    def invoice(self, subscription: str, amount_paid: int, period_end: int, currency: str = "usd") -> dict:
        """A paid invoice of a subscription (first payment or renewal), as ``invoice.paid`` carries it."""
        iid = f"in_{next(_ids)}"
        self.invoices[iid] = {"id": iid, "object": "invoice", "subscription": subscription, "status": "paid",
                              "amount_paid": amount_paid, "currency": currency, "payment_intent": f"pi_{iid[3:]}",
                              "lines": {"data": [{"period": {"end": period_end}}]}}
        return dict(self.invoices[iid])

    def end_subscription(self, subscription: str) -> int:
        """The period of a subscription cancelled at period end is over: Stripe deletes it and
        sends ``customer.subscription.deleted`` (how the browser test moves the clock)."""
        now = int(time.time())
        return self.send_webhook("customer.subscription.deleted", {
            "id": subscription, "object": "subscription", "status": "canceled", "cancel_at_period_end": True,
            "ended_at": now, "items": {"data": [{"current_period_end": now}]}})

    def send_webhook(self, kind: str, obj: dict) -> int:
        """Deliver a signed event to the app (``app_base``), as Stripe would."""
        body = stripe_event(kind, obj)
        return self.post_webhook("/api/webhooks/stripe", body, {"Stripe-Signature": stripe_signature(body)})

    def complete(self, session_id: str, amount_total: int | None = None, currency: str | None = None) -> dict:
        """Mark a session paid (as the buyer would) and return the checkout.session object."""
        s = self.sessions[session_id]
        s.update(status="complete", payment_status="paid")
        if s["mode"] == "subscription":
            s["subscription"] = f"sub_{session_id[3:]}"
        obj = dict(s)
        if amount_total is not None:
            obj["amount_total"] = amount_total
        if currency is not None:
            obj["currency"] = currency
        return obj

    def handle(self, h, method, body):
        path = urlparse(h.path).path
        if method == "POST" and path == "/v1/checkout/sessions":
            f = _form(body)
            sid = f"cs_test_{next(_ids)}"
            mode = f.get("mode", "payment")
            self.sessions[sid] = {
                "id": sid, "object": "checkout.session", "mode": mode, "status": "open",
                "payment_status": "unpaid", "amount_total": int(f.get("line_items[0][price_data][unit_amount]", 0)),
                "currency": f.get("line_items[0][price_data][currency]", "usd"),
                "payment_intent": f"pi_{sid[8:]}" if mode == "payment" else None,
                "subscription": None, "url": f"{self.base}/pay/{sid}",
                "success_url": f.get("success_url", "").replace("{CHECKOUT_SESSION_ID}", sid),
                "client_reference_id": f.get("client_reference_id"),
                "metadata": {k[9:-1]: v for k, v in f.items() if k.startswith("metadata[")},
                "interval": f.get("line_items[0][price_data][recurring][interval]"),
                "trial_days": int(f.get("subscription_data[trial_period_days]") or 0),
            }
            return h._send(200, self.sessions[sid])
        if method == "GET" and path.startswith("/v1/checkout/sessions/"):
            s = self.sessions.get(path.rsplit("/", 1)[1])
            return h._send(200, s) if s else h._send(404, {"error": {"type": "invalid_request_error",
                                                                      "message": "No such session"}})
        if method == "POST" and path == "/v1/refunds":
            f = _form(body)
            refund = {"id": f"re_{next(_ids)}", "object": "refund", "amount": int(f["amount"]),
                      "payment_intent": f["payment_intent"], "status": "succeeded"}
            self.refunds.append(refund)
            return h._send(200, refund)
        if method == "GET" and path.startswith("/v1/invoices/"):
            inv = self.invoices.get(path.rsplit("/", 1)[1])
            return h._send(200, inv) if inv else h._send(404, {"error": {"type": "invalid_request_error",
                                                                          "message": "No such invoice"}})
        if method == "POST" and path.startswith("/v1/subscriptions/"):
            sub_id = path.rsplit("/", 1)[1]
            self.subscription_updates.append((sub_id, _form(body)))
            return h._send(200, {"id": sub_id, "object": "subscription", "status": "active",
                                 "cancel_at_period_end": True})
        if path.startswith("/pay/"):
            sid = path[5:]
            s = self.sessions.get(sid)
            if s is None:
                return h._send(404, b"no such session", "text/plain")
            if method == "GET":
                page = _PAY_PAGE.format(name="Stripe", amount=s["amount_total"], currency=s["currency"], ref=sid)
                return h._send(200, page.encode(), "text/html")
            obj = self.complete(sid)
            body = stripe_event("checkout.session.completed", obj)
            self.post_webhook("/api/webhooks/stripe", body, {"Stripe-Signature": stripe_signature(body)})
            if s["mode"] == "subscription":  # Stripe then bills the first period (0 during a trial)
                days = s["trial_days"] or (365 if s["interval"] == "year" else 30)
                paid = 0 if s["trial_days"] else s["amount_total"]
                self.send_webhook("invoice.paid", self.invoice(obj["subscription"], paid,
                                                               int(time.time()) + days * 86400, s["currency"]))
            return h._send(303, b"", "text/plain", {"Location": s["success_url"]})
        return h._send(404, {"error": {"type": "invalid_request_error", "message": f"unknown {path}"}})


class FakePaystack(_Server):
    def __init__(self):
        super().__init__()
        self.transactions: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.plans: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.disabled: list[dict] = []

    def pay(self, reference: str) -> dict:
        t = self.transactions[reference]
        t["status"] = "success"
        t["paid_at"] = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        return dict(t)

    def subscribe(self, reference: str, next_payment_in_days: int = 30) -> dict:
        """After the first payment on a plan, Paystack creates the subscription (the
        ``subscription.create`` payload)."""
        t = self.transactions[reference]
        code = f"SUB_{next(_ids)}"
        nxt = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + next_payment_in_days * 86400))
        self.subscriptions[code] = {
            "id": next(_ids), "subscription_code": code, "status": "active", "email_token": f"tok_{code}",
            "amount": t["amount"], "next_payment_date": nxt, "plan": dict(self.plans[t["plan"]]),
            "customer": dict(t["customer"])}
        return dict(self.subscriptions[code])

    def renewal(self, code: str, amount: int | None = None) -> dict:
        """A renewal charge of a subscription (a new transaction of Paystack's, with the plan)."""
        sub = self.subscriptions[code]
        ref = f"T{next(_ids)}"
        self.transactions[ref] = {"id": next(_ids), "reference": ref, "amount": amount or sub["amount"],
                                  "currency": sub["plan"]["currency"], "status": "abandoned", "callback_url": "",
                                  "customer": dict(sub["customer"]), "plan": sub["plan"]["plan_code"]}
        data = self.pay(ref)
        data["plan"] = dict(sub["plan"])
        return data

    def send_event(self, event: str, data: dict) -> int:
        body = json.dumps({"event": event, "data": data}).encode()
        return self.post_webhook("/api/webhooks/paystack", body, {"x-paystack-signature": paystack_signature(body)})

    @staticmethod
    def event(event: str, data: dict) -> tuple[bytes, dict]:
        """A signed webhook (body, headers) for a test client."""
        body = json.dumps({"event": event, "data": data}).encode()
        return body, {"x-paystack-signature": paystack_signature(body)}

    def handle(self, h, method, body):
        path = urlparse(h.path).path
        if h.headers.get("Authorization") != f"Bearer {PAYSTACK_SECRET}" and not path.startswith("/pay/"):
            return h._send(401, {"status": False, "message": "Invalid key"})
        if method == "POST" and path == "/transaction/initialize":
            f = json.loads(body)
            ref = f["reference"]
            self.transactions[ref] = {"id": next(_ids), "reference": ref, "amount": f["amount"],
                                      "currency": f["currency"], "status": "abandoned",
                                      "callback_url": f["callback_url"], "customer": {"email": f["email"]},
                                      "plan": f.get("plan") or None}
            return h._send(200, {"status": True, "message": "Authorization URL created",
                                 "data": {"authorization_url": f"{self.base}/pay/{ref}", "access_code": "ac",
                                          "reference": ref}})
        if method == "GET" and path.startswith("/transaction/verify/"):
            t = self.transactions.get(path.rsplit("/", 1)[1])
            if t is None:
                return h._send(400, {"status": False, "message": "Transaction reference not found"})
            return h._send(200, {"status": True, "message": "Verification successful", "data": t})
        if method == "POST" and path == "/plan":
            f = json.loads(body)
            code = f"PLN_{next(_ids)}"
            self.plans[code] = {"plan_code": code, "name": f["name"], "interval": f["interval"],
                                "amount": f["amount"], "currency": f["currency"]}
            return h._send(201, {"status": True, "message": "Plan created", "data": self.plans[code]})
        if method == "GET" and path.startswith("/subscription/"):
            sub = self.subscriptions.get(path.rsplit("/", 1)[1])
            return h._send(200, {"status": True, "data": sub}) if sub else \
                h._send(404, {"status": False, "message": "Subscription not found"})
        if method == "POST" and path == "/subscription/disable":
            f = json.loads(body)
            sub = self.subscriptions.get(f.get("code"))
            if sub is None or f.get("token") != sub["email_token"]:
                return h._send(400, {"status": False, "message": "Subscription with code not found or already inactive"})
            sub["status"] = "non-renewing"
            self.disabled.append(f)
            return h._send(200, {"status": True, "message": "Subscription disabled successfully"})
        if method == "POST" and path == "/refund":
            f = json.loads(body)
            self.refunds.append(f)
            return h._send(200, {"status": True, "message": "Refund has been queued for processing",
                                 "data": {"transaction": {"reference": f["transaction"]}, "amount": f["amount"]}})
        if path.startswith("/pay/"):
            ref = path[5:]
            t = self.transactions.get(ref)
            if t is None:
                return h._send(404, b"no such transaction", "text/plain")
            if method == "GET":
                page = _PAY_PAGE.format(name="Paystack", amount=t["amount"], currency=t["currency"], ref=ref)
                return h._send(200, page.encode(), "text/html")
            data = self.pay(ref)
            if t.get("plan"):  # a plan's first payment: the charge names the plan, then the subscription
                data["plan"] = dict(self.plans[t["plan"]])
            body = json.dumps({"event": "charge.success", "data": data}).encode()
            self.post_webhook("/api/webhooks/paystack", body, {"x-paystack-signature": paystack_signature(body)})
            if t.get("plan"):
                self.send_event("subscription.create", self.subscribe(ref))
            return h._send(303, b"", "text/plain", {"Location": f"{t['callback_url']}?reference={ref}&trxref={ref}"})
        return h._send(404, {"status": False, "message": "not found"})

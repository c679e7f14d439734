"""The gateway interface.

Two shapes cover the providers we care about:

- ``DirectGateway``: the card form is ours and the charge answers at once (the built-in test
  gateway). ``charge`` returns a ``ChargeResult``; a decline carries a reason for the learner.
- ``RedirectGateway``: ``create_payment`` registers the amount with the provider and returns its
  reference and the URL (or client secret) for the confirmation step; the provider later
  calls our webhook. ``parse_webhook`` verifies the HMAC signature and returns a
  ``GatewayEvent`` (or raises ``BadSignature``); checkout stores the event id so a replay
  changes nothing.

Card numbers live only in the ``CardDetails`` passed to ``charge``: never stored or logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class BadSignature(Exception):
    """A webhook whose signature does not verify (or is missing)."""


@dataclass(frozen=True)
class CardDetails:
    number: str = field(repr=False)
    expiry: str = field(repr=False)
    cvc: str = field(repr=False)
    name: str = ""


@dataclass(frozen=True)
class ChargeResult:
    ok: bool
    reference: str = ""
    last4: str = ""
    reason: str = ""


@dataclass(frozen=True)
class GatewayEvent:
    event_id: str
    kind: str  # "payment.succeeded" or "payment.failed"
    reference: str
    amount_minor: int
    currency: str


class DirectGateway(Protocol):
    name: str

    def charge(self, amount_minor: int, currency: str, card: CardDetails, order_id: int) -> ChargeResult: ...

    def refund(self, reference: str, amount_minor: int) -> None: ...


class RedirectGateway(Protocol):
    name: str

    def create_payment(self, amount_minor: int, currency: str, order_id: int) -> tuple[str, str]:
        """(provider reference, URL or client secret for the confirmation step)."""

    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> GatewayEvent: ...

    def refund(self, reference: str, amount_minor: int) -> None: ...

"""Errors that services raise for the UI to show as they are."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal with a message meant for the person using the app.

    ``field`` names the form field at fault, so pages can show the message next to it.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(ServiceError):
    """The actor may not do this to this object."""

    def __init__(self, message: str = "You do not have permission to do that."):
        super().__init__(message)


class Throttled(ServiceError):
    """Refused because of too many recent attempts (sign-in throttling); the API answers 429."""

"""Pydantic request/response models of the API's own resources (auth, tokens). Feature routers
use the pages' TypedDict DTOs directly as response models: no SQLModel row leaves the server."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Scope = Literal["read", "learn", "teach", "admin"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenRequest(Strict):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)
    otp: str | None = Field(default=None, max_length=20, description="The second-factor code, when the account has one")


class RefreshRequest(Strict):
    refresh_token: str = Field(max_length=200)


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    refresh_token: str
    scope: str


class MeView(BaseModel):
    id: int
    name: str
    email: str
    role: str
    scopes: list[str]
    email_verified: bool


class PatRequest(Strict):
    name: str = Field(min_length=1, max_length=80)
    scopes: list[Scope] = Field(min_length=1, max_length=4)
    days: int | None = Field(default=None, ge=1, le=366, description="Expires after this many days (none: never)")


class PatView(BaseModel):
    id: int
    name: str
    hint: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


class PatCreated(PatView):
    token: str = Field(description="Shown once: store it now")


class Ok(BaseModel):
    ok: bool = True

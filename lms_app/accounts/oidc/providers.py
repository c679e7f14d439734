"""Identity providers from settings.

``LMS_OIDC_PROVIDERS=google,microsoft,github,corp`` names the providers shown on the sign-in
page; each reads ``LMS_OIDC_<KEY>_CLIENT_ID`` and ``LMS_OIDC_<KEY>_CLIENT_SECRET`` and, for any
provider that is not a preset (or to override one), ``LMS_OIDC_<KEY>_DISCOVERY_URL`` (the
issuer's ``/.well-known/openid-configuration``) and ``LMS_OIDC_<KEY>_LABEL``.

Presets: ``google`` and ``microsoft`` are OpenID Connect providers found by discovery
(``microsoft`` uses the ``common`` endpoint unless ``LMS_OIDC_MICROSOFT_TENANT`` names a tenant;
for a fixed tenant the ID token's issuer is checked exactly). ``github`` is OAuth 2 without ID
tokens: the account and its *verified* primary e-mail are read from GitHub's API.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass

KEY_RE = re.compile(r"^[a-z][a-z0-9]{1,30}$")

PRESETS = {
    "google": {"label": "Google", "discovery": "https://accounts.google.com/.well-known/openid-configuration"},
    "microsoft": {"label": "Microsoft", "discovery": "https://login.microsoftonline.com/{tenant}/v2.0/"
                                                     ".well-known/openid-configuration"},
    "github": {"label": "GitHub", "kind": "github"},
}
GITHUB = {"authorize": "https://github.com/login/oauth/authorize",
          "token": "https://github.com/login/oauth/access_token",
          "user": "https://api.github.com/user", "emails": "https://api.github.com/user/emails"}


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    client_id: str
    client_secret: str
    discovery_url: str = ""
    kind: str = "oidc"  # "oidc" (discovery + ID token) or "github" (OAuth 2 + API)
    scope: str = "openid email profile"


def _env(key: str, name: str) -> str:
    return (os.environ.get(f"LMS_OIDC_{key.upper()}_{name}") or "").strip()


def load() -> tuple[list[Provider], list[str]]:
    """(providers, problems) from the environment."""
    found, problems = [], []
    raw = os.environ.get("LMS_OIDC_PROVIDERS") or ""
    for key in dict.fromkeys(k.strip().lower() for k in raw.split(",") if k.strip()):
        if not KEY_RE.match(key):
            problems.append(f"LMS_OIDC_PROVIDERS: {key!r} is not a provider key (lowercase letters and digits)")
            continue
        preset = PRESETS.get(key, {})
        client_id, secret = _env(key, "CLIENT_ID"), _env(key, "CLIENT_SECRET")
        discovery = _env(key, "DISCOVERY_URL") or preset.get("discovery", "").format(
            tenant=_env(key, "TENANT") or "common")
        kind = preset.get("kind", "oidc") if not _env(key, "DISCOVERY_URL") else "oidc"
        if not client_id or not secret:
            problems.append(f"LMS_OIDC_{key.upper()}_CLIENT_ID and LMS_OIDC_{key.upper()}_CLIENT_SECRET are "
                            f"needed for the {key} sign-in provider")
            continue
        if kind == "oidc" and not discovery.startswith(("https://", "http://")):
            problems.append(f"LMS_OIDC_{key.upper()}_DISCOVERY_URL must be the provider's "
                            ".well-known/openid-configuration URL")
            continue
        found.append(Provider(key, _env(key, "LABEL") or preset.get("label") or key.title(), client_id, secret,
                              discovery, kind, "read:user user:email" if kind == "github" else "openid email profile"))
    return found, problems


@functools.cache
def configured() -> dict[str, Provider]:
    return {p.key: p for p in load()[0]}


def get(key: object) -> Provider | None:
    return configured().get(key) if isinstance(key, str) else None


def buttons() -> list[dict]:
    """What the sign-in page shows: key and label of each configured provider."""
    return [{"key": p.key, "label": p.label} for p in configured().values()]

"""A local OpenID Connect provider for tests (no internet): discovery, authorize (approves at
once as ``provider.user``), token (checks the client secret, the redirect URI and the PKCE
verifier) and JWKS, with ID tokens signed RS256 by joserfc. ``LocalProvider().start()`` serves it
with the standard library's threading HTTP server on a free port."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID, CLIENT_SECRET = "lumen-test-client", "lumen-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalProvider:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"},
                                       private=True)
        self.user = {"sub": "alice-1", "email": "alice@idp.example", "email_verified": True, "name": "Alice IdP"}
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.tamper_nonce = False
        self._server: ThreadingHTTPServer | None = None

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    # Each returns (status, headers, body dict)
    def discovery(self, query, form, headers):
        return 200, {}, {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                         "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                         "response_types_supported": ["code"], "subject_types_supported": ["public"],
                         "id_token_signing_alg_values_supported": ["RS256"],
                         "code_challenge_methods_supported": ["S256"]}

    def jwks(self, query, form, headers):
        return 200, {}, {"keys": [self.key.as_dict(private=False)]}

    def authorize(self, q, form, headers):
        if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code" or q.get("code_challenge_method") != "S256":
            return 400, {}, {"error": "invalid_request"}
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"redirect_uri": q["redirect_uri"], "nonce": q.get("nonce"),
                            "challenge": q["code_challenge"], "user": dict(self.user)}
        return 302, {"Location": f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"}, {}

    def token(self, query, form, headers):
        self.token_requests.append(form)
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        grant = self.codes.pop(form.get("code", ""), None)
        if headers.get("authorization", "") != expected or grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {}, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant["challenge"]:
            return 400, {}, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": "forged" if self.tamper_nonce else grant["nonce"], **grant["user"]}
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
        return 200, {}, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                         "id_token": id_token}

    def start(self) -> "LocalProvider":
        provider = self
        routes = {("GET", "/.well-known/openid-configuration"): self.discovery, ("GET", "/jwks"): self.jwks,
                  ("GET", "/authorize"): self.authorize, ("POST", "/token"): self.token}

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method):
                parts = urlsplit(self.path)
                fn = routes.get((method, parts.path))
                if fn is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                form = {}
                if method == "POST":
                    length = int(self.headers.get("content-length") or 0)
                    form = dict(parse_qsl(self.rfile.read(length).decode()))
                status, extra, body = fn(dict(parse_qsl(parts.query)), form,
                                         {k.lower(): v for k, v in self.headers.items()})
                data = json.dumps(body).encode()
                self.send_response(status)
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def log_message(self, *args):
                pass

        provider._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=provider._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def env(self, key: str = "local") -> dict[str, str]:
        return env_for(self.port, key)


def env_for(port: int, key: str = "local") -> dict[str, str]:
    """The app's settings for a local provider on ``port``."""
    up = key.upper()
    return {"LMS_OIDC_PROVIDERS": key, f"LMS_OIDC_{up}_CLIENT_ID": CLIENT_ID,
            f"LMS_OIDC_{up}_CLIENT_SECRET": CLIENT_SECRET,
            f"LMS_OIDC_{up}_DISCOVERY_URL": f"http://127.0.0.1:{port}/.well-known/openid-configuration",
            f"LMS_OIDC_{up}_LABEL": "Local ID"}

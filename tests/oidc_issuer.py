"""A small OpenID Connect issuer for the tests: a real HTTP server on 127.0.0.1.

It serves discovery, its JWKS (one RS256 key), an authorize endpoint that approves
`user` at once (redirecting back with a code and the state), and a token endpoint that
checks the client's secret, the code, the redirect address and the PKCE verifier before
issuing an ID token. Knobs make it misbehave as an attacker or a broken provider would:
`aud`, `iss`, `nonce` and `azp` override those claims, `foreign_key` signs with a key not in
the JWKS (same `kid`), `expired` issues a token that expired an hour ago, and
`discovery_issuer` makes discovery name another issuer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

PORTS = range(18700, 18800)  # this suite's own range (helpers share the machine)
KID = "test-key"


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class OidcIssuer:
    def __init__(self, client_id: str = "folio", client_secret: str = "folio-secret"):  # noqa: S107
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = _new_key()
        self.other_key = _new_key()
        self.server: ThreadingHTTPServer | None = None
        self.reset()

    def reset(self) -> None:
        """The well-behaved issuer again, approving the default user."""
        self.user: dict[str, Any] = {
            "sub": "sub-ada",
            "email": "ada@example.com",
            "email_verified": True,
            "name": "Ada Lovelace",
            "groups": ["folio-editors"],
        }
        self.aud: Any = None
        self.iss: str | None = None
        self.nonce: str | None = None
        self.azp: str | None = None
        self.foreign_key = False
        self.expired = False
        self.discovery_issuer: str | None = None
        self.codes: dict[str, dict[str, Any]] = {}
        self.token_requests: list[dict[str, Any]] = []

    @property
    def issuer(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    # --- Server --------------------------------------------------------------------------

    def start(self) -> OidcIssuer:
        handler = type("Handler", (_Handler,), {"issuer_state": self})
        for port in PORTS:
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
                break
            except OSError:
                continue
        else:  # pragma: no cover - the range is ours
            raise RuntimeError(f"No free port in {PORTS}")
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # --- Documents -----------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        base = self.issuer
        return {
            "issuer": self.discovery_issuer or base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}

    def id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        issued = now - 7200 if self.expired else now
        claims = {
            **grant["user"],
            "iss": self.iss or self.issuer,
            "aud": self.aud if self.aud is not None else self.client_id,
            "iat": issued,
            "exp": issued + 300,
            "nonce": self.nonce or grant["nonce"],
        }
        if self.azp:
            claims["azp"] = self.azp
        key = self.other_key if self.foreign_key else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})

    # --- Endpoints -----------------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str]]:
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or not redirect_uri:
            return 400, {}
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
            return 400, {}
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "redirect_uri": redirect_uri,
            "nonce": query.get("nonce", ""),
            "challenge": query.get("code_challenge", ""),
            "user": dict(self.user),
        }
        target = f"{redirect_uri}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        return 302, {"Location": target}

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = (unquote(part) for part in decoded.partition(":"))
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode() != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        return 200, {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.id_token(grant),
        }


class _Handler(BaseHTTPRequestHandler):
    issuer_state: OidcIssuer

    def log_message(self, format, *args):  # quiet test output
        pass

    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        payload = json.dumps(body).encode() if body is not None else b""
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        state = self.issuer_state
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/.well-known/openid-configuration":
            self._send(200, state.discovery())
        elif parts.path == "/jwks":
            self._send(200, state.jwks())
        elif parts.path == "/authorize":
            status, headers = state.authorize(query)
            self._send(status, None, headers)
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if urlsplit(self.path).path != "/token":
            self._send(404, {"error": "not_found"})
            return
        status, body = self.issuer_state.token(form, self.headers.get("Authorization", ""))
        self._send(status, body)


@contextmanager
def running_issuer(**kwargs):
    """An issuer serving for the duration of the block."""
    issuer = OidcIssuer(**kwargs).start()
    try:
        yield issuer
    finally:
        issuer.stop()


def configure(settings, issuer: OidcIssuer, **overrides) -> None:
    """Point Folio's OIDC settings at `issuer` (pytest-django's `settings` fixture)."""
    settings.OIDC_ISSUER = issuer.issuer
    settings.OIDC_CLIENT_ID = issuer.client_id
    settings.OIDC_CLIENT_SECRET = issuer.client_secret
    settings.OIDC_PROVIDER_NAME = "Test IdP"
    settings.OIDC_SCOPES = ["openid", "email", "profile"]
    settings.OIDC_CREATE_USERS = False
    settings.OIDC_ROLES_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = {"folio-admins": "Administrator", "folio-editors": "Editor"}
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = []
    for name, value in overrides.items():
        setattr(settings, name, value)

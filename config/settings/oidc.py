"""Single sign-on with OpenID Connect (accounts/oidc, docs/security.md).

Off while OIDC_ISSUER is empty. With it, the issuer's discovery document supplies every
endpoint, so the issuer, a client id and its secret are all a deployment sets; a system
check (accounts.oidc.checks) stops start-up when only part of it is set.
"""

from __future__ import annotations

from .environment import env


def parse_role_map(raw: str) -> dict[str, str]:
    """`claim-value=Role,other=Role` as {claim value: Folio role}; a pair without `=` is
    kept with an empty role so the system check can name it."""
    pairs = (item.strip() for item in raw.split(","))
    mapping: dict[str, str] = {}
    for pair in filter(None, pairs):
        value, _, role = pair.rpartition("=") if "=" in pair else (pair, "", "")
        mapping[value.strip()] = role.strip()
    return mapping


# The issuer's address exactly as its ID tokens name it (`iss`); discovery is read from
# <issuer>/.well-known/openid-configuration.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").strip().rstrip("/")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
# The sign-in button reads "Sign in with <name>".
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="single sign-on")
OIDC_SCOPES = env.list("OIDC_SCOPES", default=["openid", "email", "profile"])
# Whether a verified email no Folio user has yet becomes a new user (with the mapped roles).
OIDC_CREATE_USERS = env.bool("OIDC_CREATE_USERS", default=False)
# The ID token claim listing the user's groups, and which of them are Folio roles.
OIDC_ROLES_CLAIM = env.str("OIDC_ROLES_CLAIM", default="")
OIDC_ROLE_MAP = parse_role_map(env.str("OIDC_ROLE_MAP", default=""))
# Only emails at these domains are matched or created (empty: any).
OIDC_ALLOWED_EMAIL_DOMAINS = [
    domain.lower().lstrip("@") for domain in env.list("OIDC_ALLOWED_EMAIL_DOMAINS", default=[])
]
# Seconds to wait for the issuer (discovery, keys, token exchange).
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
# How far the issuer's clock may be off when the ID token's times are checked.
OIDC_CLOCK_LEEWAY = env.int("OIDC_CLOCK_LEEWAY", default=60)

"""Single sign-on with OpenID Connect: the admin's "Sign in with …" (docs/security.md).

client.py talks to the issuer through Authlib (discovery, PKCE, the code exchange, the
ID token's signature and claims); services.py decides who signs in, with which roles;
views.py is the two admin pages; checks.py refuses a half-made configuration.
"""

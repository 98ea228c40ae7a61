"""Passkeys (WebAuthn) through django-otp-webauthn: Folio's side of its ceremonies (names,
audit, who may sign in to the admin), the list/rename/remove services and the API.

A passkey is a django-otp device (django_otp_webauthn.WebAuthnCredential), so a user with
one counts as enrolled in two-factor sign-in. See docs/security.md, "Passkeys".
"""

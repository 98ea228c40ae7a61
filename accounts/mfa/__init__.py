"""Two-factor sign-in (docs/security.md): django-otp's devices are the factors.

TOTP (authenticator apps), recovery codes (django-otp's static device) and passkeys
(django_otp_webauthn's credential) are all django-otp devices, so "the user has 2FA" is
"the user has a confirmed device", whatever its kind. Modules: policy (who must have it),
devices (listing and naming them), tickets (the pending second step of a sign-in),
verify (checking a code, throttled and locked out like passwords), services (enrolment,
recovery codes, removal, an Administrator's reset), enforcement (only enrolment until
enrolled), signin (the token endpoint's answer), and the admin's and the API's views.
"""

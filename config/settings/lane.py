"""The delivery lane (content.delivery.lane): anonymous delivery reads skip the middleware
only the admin and the management API need, called in a loop (core.flat_middleware), and
cache hits are answered in place of the view.

The lane's stack is MIDDLEWARE from the lane on, less DELIVERY_LANE_SKIPPED_MIDDLEWARE:
whitenoise (static files), sessions, CSRF, authentication (delivery authenticates API keys
and JWTs inside its views), two-factor verification of sessions and its admin guard, the
sessions' "last seen", messages and axes (sign-in lockouts). Middleware added later runs
on the lane too unless it is named here.
"""

from __future__ import annotations

from .environment import env

DELIVERY_LANE = env.bool("DELIVERY_LANE", default=True)
DELIVERY_LANE_PATHS = ["/api/v1/delivery/"]
# Previews of drafts and the event stream take the main stack.
DELIVERY_LANE_EXCLUDED_PATHS = ["/api/v1/delivery/preview/", "/api/v1/delivery/events/"]
DELIVERY_LANE_SKIPPED_MIDDLEWARE = [
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.session_activity.SessionActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.mfa.enforcement.MFAAdminMiddleware",
    "axes.middleware.AxesMiddleware",
]

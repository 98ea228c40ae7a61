"""Noting where users are signed in, for their Sessions page (accounts.user_sessions).

Browsers: the middleware notes a signed-in browser's address, agent and time after the
response, at most once per SESSION_ACTIVITY_SECONDS (a stamp in the session says when),
and so records a session the first time it is used. A session found ended in the
database (its cached copy outlived it) is signed out there. API: a refresh token is recorded
when simplejwt stores it (OutstandingToken's post_save, connected in AccountsConfig.ready),
from the request that asked for it, which the middleware keeps in a context variable.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import logout

from accounts.user_sessions import Origin, browser_session_seen, refresh_token_issued

# Where the current request came from, for the refresh-token receiver below.
current_origin: ContextVar[Origin | None] = ContextVar("current_origin", default=None)

SEEN_KEY = "_folio_seen"  # [session key, epoch seconds] of the last note


class SessionActivityMiddleware:
    """After AuthenticationMiddleware: note the signed-in browser's activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        origin = Origin.of(request)
        token = current_origin.set(origin)
        try:
            response = self.get_response(request)
        finally:
            current_origin.reset(token)
        # API requests authenticate by token; reading the session user there would make
        # every API response `Vary: Cookie` (core.middleware.RequestContextMiddleware).
        if not request.path.startswith("/api/"):
            self._note(request, origin)
        return response

    @staticmethod
    def _note(request, origin: Origin) -> None:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is None or not user.is_authenticated or session is None:
            return
        key = session.session_key
        if key is None:
            return
        stamp = session.get(SEEN_KEY)
        now = time.time()
        # The key is in the stamp: a key cycled at sign-in or a password change is new.
        if stamp and stamp[0] == key and now - stamp[1] < settings.SESSION_ACTIVITY_SECONDS:
            return
        if browser_session_seen(user=user, session_key=key, origin=origin):
            session[SEEN_KEY] = [key, now]
        else:
            # Ended, but a cached copy outlived it: sign it out here (and drop the copy).
            logout(request)


def record_refresh_token(sender, instance, created: bool, **kwargs) -> None:
    """post_save of simplejwt's OutstandingToken: a new API session of its user."""
    if created:
        refresh_token_issued(token=instance, origin=current_origin.get())

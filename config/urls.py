"""URLs: the admin, the v1 API, its schema and docs, health and metrics."""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from accounts import admin_reset, jwks
from accounts.passkeys.admin_views import passkey_remove_view
from config.metrics import metrics_view
from content.delivery.feeds import ArticleFeed, PublishedSitemap
from content.delivery.release_preview import previewable
from content.views import home
from content.views.media_files import media_file
from core import health, redoc
from core.exceptions import api_not_found
from core.schema_views import RedocView, SchemaView, SwaggerView
from governance.reports.dashboard import dashboard_view

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("content.urls")),
    path("", include("governance.urls")),
]

urlpatterns = [
    # The delivery API takes most traffic: match it first, one level deep, before the
    # admin's and the routers' many patterns.
    path("api/v1/delivery/", include("content.delivery.urls")),
    path(
        "admin/governance/dashboard/",
        admin.site.admin_view(dashboard_view),
        name="governance-dashboard",
    ),
    # "Forgot password?" on the admin's sign-in page, by the names Django's admin looks for.
    path(
        "admin/password_reset/",
        admin_reset.AdminPasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        admin_reset.AdminPasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<uidb64>/<token>/",
        admin_reset.AdminPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        admin_reset.AdminPasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Single sign-on (accounts.oidc): before the admin, whose catch-all would answer.
    path("admin/oidc/", include("accounts.oidc.urls")),
    # The sign-in's password and second-factor steps (accounts.mfa.admin_signin).
    path("admin/", include("accounts.mfa.admin_urls")),
    path(
        "admin/passkeys/<int:passkey_id>/remove/",
        admin.site.admin_view(passkey_remove_view),
        name="admin-passkey-remove",
    ),
    path("admin/", admin.site.urls),
    # Passkeys' ceremonies (django-otp-webauthn's, JSON), for the admin's sign-in and
    # Security page; outside /admin/, as they run before the admin lets anyone in.
    path("passkeys/", include("accounts.passkeys.urls")),
    # Outside reviewers open review links here, without an account (governance item 2).
    path("review/", include("governance.workflows.review_urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
    path("api/redoc/redoc.standalone.js", redoc.redoc_bundle, name="redoc-bundle"),
    # Last of the API's routes: any other path under /api/ is a 404 in the error format.
    re_path(r"^api/", api_not_found, name="api-not-found"),
    # The public keys that verify Folio's JWTs under RS256 / ES256 (empty under HS256).
    path(".well-known/jwks.json", jwks.jwks, name="jwks"),
    path("health/live/", health.live, name="health-live"),
    path("health/ready/", health.ready, name="health-ready"),
    # For Prometheus only: a token or an allowed address (config.metrics).
    path("metrics", metrics_view, name="prometheus-metrics"),
    # Both answer a release preview token as the delivery API does.
    path(
        "sitemap.xml",
        previewable(sitemap),
        {"sitemaps": {"content": PublishedSitemap}},
        name="sitemap",
    ),
    path("feeds/articles.atom", previewable(ArticleFeed()), name="feed-articles"),
    path("", home.home, name="home"),
]

# Local media in development; production serves it from object storage or the proxy.
urlpatterns += static(settings.MEDIA_URL, view=media_file, document_root=settings.MEDIA_ROOT)

# The admin's home page title (its brand comes from UNFOLD, config/settings/admin_theme.py).
admin.site.index_title = "Dashboard"
# Signed out: Folio's sign-in layout (unfold's page nests a second #page in it).
admin.site.logout_template = "admin/logged_out.html"

handler400 = "core.exceptions.handler400"
handler404 = "core.exceptions.handler404"
handler500 = "core.exceptions.handler500"

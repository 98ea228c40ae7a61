"""Content management API, mounted under /api/v1/: one route set per registered type
(`<plural>/`, route names `<api_name>-list`, `<api_name>-publish`, ...), then the rest."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from content.types import entry_types
from content.views.entries import entry_viewset
from content.views.grants import RoleGrantViewSet
from content.views.media import MediaViewSet
from content.views.taxonomy import CategoryViewSet, LocaleViewSet, RedirectViewSet, TagViewSet

router = SimpleRouter()
for registration in entry_types():
    router.register(
        registration.plural, entry_viewset(registration), basename=registration.api_name
    )
router.register("media", MediaViewSet, basename="media")
router.register("categories", CategoryViewSet, basename="category")
router.register("tags", TagViewSet, basename="tag")
router.register("locales", LocaleViewSet, basename="locale")
router.register("redirects", RedirectViewSet, basename="redirect")
router.register("role-grants", RoleGrantViewSet, basename="role-grant")

urlpatterns = router.urls

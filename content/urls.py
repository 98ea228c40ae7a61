"""Content management API, mounted under /api/v1/: one route set per code-defined type
(`<plural>/`, route names `<api_name>-list`, `<api_name>-publish`, ...), one for every
type defined as data (`entries/<api_id>/`, resolved per request: types change while the
process runs), the types themselves (`content-types/`), then the rest."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from content.runtime.schema import per_runtime_type
from content.types import entry_types
from content.views.entries import entry_viewset
from content.views.grants import RoleGrantViewSet
from content.views.media import MediaViewSet
from content.views.releases import ReleaseViewSet
from content.views.runtime_entries import API_ID, RuntimeEntryViewSet, typed_viewset
from content.views.taxonomy import CategoryViewSet, LocaleViewSet, RedirectViewSet, TagViewSet
from content.views.typedefs import ContentTypeViewSet

router = SimpleRouter()
for registration in entry_types():
    if registration.runtime:
        continue
    router.register(
        registration.plural, entry_viewset(registration), basename=registration.api_name
    )
router.register(rf"entries/(?P<api_id>{API_ID})", RuntimeEntryViewSet, basename="runtime-entry")
# The schema shows that route once per type (entries/concert/, ...), each typed.
per_runtime_type(RuntimeEntryViewSet, typed_viewset)
router.register("content-types", ContentTypeViewSet, basename="content-type")
router.register("media", MediaViewSet, basename="media")
router.register("categories", CategoryViewSet, basename="category")
router.register("tags", TagViewSet, basename="tag")
router.register("locales", LocaleViewSet, basename="locale")
router.register("redirects", RedirectViewSet, basename="redirect")
router.register("role-grants", RoleGrantViewSet, basename="role-grant")
router.register("releases", ReleaseViewSet, basename="release")

urlpatterns = router.urls

"""Content management API, mounted under /api/v1/."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from content.views.entries import ArticleViewSet, PageViewSet
from content.views.media import MediaViewSet
from content.views.taxonomy import CategoryViewSet, LocaleViewSet, RedirectViewSet, TagViewSet

router = SimpleRouter()
router.register("articles", ArticleViewSet, basename="article")
router.register("pages", PageViewSet, basename="page")
router.register("media", MediaViewSet, basename="media")
router.register("categories", CategoryViewSet, basename="category")
router.register("tags", TagViewSet, basename="tag")
router.register("locales", LocaleViewSet, basename="locale")
router.register("redirects", RedirectViewSet, basename="redirect")

urlpatterns = router.urls

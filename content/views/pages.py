"""The page tree's own action in the management API: `pages/{id}/move/`."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from content import services
from content.serializers.entries import PageMoveSerializer, PageSerializer
from content.views.entries import EntryViewSet


class PageTreeViewSet(EntryViewSet):
    """Pages (a tree) in the management API."""

    @extend_schema(request=PageMoveSerializer, responses={200: PageSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the page (and its subtree) under another parent, or reorder it."""
        serializer = PageMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        page = services.page_move(
            page=self.get_object(),
            actor=request.user,
            parent=serializer.validated_data["parent"],
            sort_order=serializer.validated_data.get("sort_order"),
        )
        return self._respond(page)

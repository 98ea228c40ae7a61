"""Public pages outside the API: the review link page (mounted at /review/)."""

from __future__ import annotations

from django.urls import path

from governance.workflows.review_page import review_link_page

urlpatterns = [path("<str:token>/", review_link_page, name="review-link")]

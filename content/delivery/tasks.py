"""Background rebuilds of the delivery read model."""

from __future__ import annotations

from celery import shared_task
from django.apps import apps


@shared_task(ignore_result=True)
def snapshots_rebuild_for_references_task(model_label: str, target_ids: list[int]) -> int:
    """A referenced object changed (category renamed, alt text edited): rebuild its users."""
    from content.delivery.services import snapshots_for_references

    return snapshots_for_references(target_model=apps.get_model(model_label), target_ids=target_ids)

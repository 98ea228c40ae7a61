"""Celery tasks: thin, idempotent wrappers that fetch rows again and call services."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def publish_scheduled_task() -> dict[str, int]:
    """Publish due releases and items and expire ended ones; safe to run on several workers
    at once. Returns the counts, which the worker logs."""
    from content.services.scheduling import publish_scheduled

    run = publish_scheduled()
    return {
        "published": len(run.published),
        "expired": len(run.expired),
        "releases_published": len(run.releases.get("published", [])),
        "releases_failed": len(run.releases.get("failed", [])),
    }


@shared_task(ignore_result=True)
def rendition_pregenerate_task(asset_id: int) -> int:
    """Make the common renditions of a new image so first views are fast."""
    from content.models import MediaAsset
    from content.services.renditions import rendition_get_or_create

    asset = MediaAsset.objects.filter(pk=asset_id).first()
    if asset is None:
        return 0
    made = 0
    for spec in settings.MEDIA_PREGENERATE_RENDITIONS:
        try:
            rendition_get_or_create(asset=asset, spec=spec)
            made += 1
        except Exception:
            # One bad spec or file must not stop the others; the error is logged.
            logger.exception("Could not make rendition %s of media %s", spec, asset_id)
    return made


@shared_task(ignore_result=True)
def bulk_job_run_task(job_id: int) -> None:
    """Run a bulk job's remaining items as its actor (resumable; content.services.bulk)."""
    from content.services.bulk import bulk_job_run

    bulk_job_run(job_id=job_id)

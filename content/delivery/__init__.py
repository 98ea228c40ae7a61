"""The delivery API: published-only, pre-rendered, cached. See content.models.snapshots."""

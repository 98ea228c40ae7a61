"""Delivery search (docs/search.md): the database by default; OpenSearch for sites that
outgrow PostgreSQL's full-text search. base.py takes them (`from .search import *`)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .environment import env

SEARCH_BACKEND = env.str("SEARCH_BACKEND", default="database")
if SEARCH_BACKEND not in ("database", "opensearch"):
    raise ImproperlyConfigured("SEARCH_BACKEND must be 'database' or 'opensearch'.")
# The engine's address, e.g. https://user:password@search.internal:9200 (opensearch only).
OPENSEARCH_URL = env.str("OPENSEARCH_URL", default="http://127.0.0.1:9200")
if SEARCH_BACKEND == "opensearch" and not OPENSEARCH_URL:
    raise ImproperlyConfigured("SEARCH_BACKEND=opensearch needs OPENSEARCH_URL.")
# The alias searches and writes go through; search_reindex moves it to each new index.
OPENSEARCH_INDEX = env.str("OPENSEARCH_INDEX", default="folio-delivery")
# Seconds a search or an indexing request may wait for the engine (no retries).
OPENSEARCH_TIMEOUT = env.float("OPENSEARCH_TIMEOUT", default=5.0)
# The most matches the engine returns for one search; the database filters and pages them.
SEARCH_MAX_MATCHES = env.int("SEARCH_MAX_MATCHES", default=1000)

# syntax=docker/dockerfile:1
#
# Folio's production image: `docker build -t folio .` (BuildKit or the legacy builder:
# the file uses no BuildKit-only syntax).
#
# Stage 1 builds wheels for requirements/prod.txt (with a compiler, in case a package has
# no wheel for this platform); stage 2 installs only those wheels into a slim image that
# runs as an unprivileged user. One image serves every role; the command picks it:
#   web (default)  gunicorn config.wsgi -c config/gunicorn.py
#   realtime       daphne -b 0.0.0.0 -p 8000 config.asgi:application
#                  (WebSockets under /ws/ and the SSE stream: docs/realtime.md)
#   worker         celery -A config worker --loglevel=INFO
#   beat           celery -A config beat --loglevel=INFO
#   migrations     python manage.py migrate --noinput
# Configuration comes from the environment: see .env.example and docs/operations.md.

ARG PYTHON_VERSION=3.11

# --- Stage 1: wheels --------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build
COPY requirements/ requirements/
# The virtualenv is built here, from these wheels only, and copied whole into the runtime
# stage (same base image, same paths): no compiler or wheel files reach the final image,
# and no BuildKit-only instruction (RUN --mount) is needed, so the legacy builder
# (DOCKER_BUILDKIT=0) builds this file too.
RUN pip wheel --wheel-dir /wheels -r requirements/prod.txt \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-index --find-links=/wheels -r requirements/prod.txt

# --- Stage 2: runtime -------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/app/var/media \
    PORT=8000

# A fixed uid/gid, so volume permissions can be set from outside.
RUN groupadd --system --gid 10001 folio \
    && useradd --system --uid 10001 --gid folio --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin folio

# The builder's virtualenv, installed from its wheels only: no compiler, no network here.
COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# The code stays owned by root: the app user can read it but not change it.
COPY . .

# Static files are collected at build time (whitenoise serves them with hashed names).
# Production settings need their variables to import; these build-only values are never
# used to connect to anything and do not persist in the image.
RUN DJANGO_SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789abcdef \
    AUDIT_ANCHOR_KEY=build-only-not-used-at-runtime \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    CACHE_URL=redis://localhost:6379/0 \
    CELERY_BROKER_URL=amqp://localhost:5672// \
    python manage.py collectstatic --noinput --verbosity 0 \
    && python -m compileall -q /app \
    && mkdir -p /app/var/media \
    && chown -R folio:folio /app/var/media

# /metrics adds up every gunicorn worker's metrics through files here (config.metrics);
# gunicorn empties it at start. Compose mounts a tmpfs over it.
ENV PROMETHEUS_MULTIPROC_DIR=/tmp/folio-metrics
RUN mkdir -p /tmp/folio-metrics && chown folio:folio /tmp/folio-metrics

USER folio:folio
EXPOSE 8000
VOLUME ["/app/var/media"]

# No curl in the slim image: the probe is a few lines of Python (docker/healthcheck.py).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "docker/healthcheck.py"]

CMD ["gunicorn", "config.wsgi", "-c", "config/gunicorn.py"]

"""The Dockerfile and docker-compose.yml, checked by reading them (CI has no Docker engine)."""

from __future__ import annotations

import re

import pytest

from tests.integration.conftest import BASE_DIR, REQUIRED

yaml = pytest.importorskip("yaml")

APP_SERVICES = ("migrate", "web", "realtime", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def test_compose_runs_every_process_on_the_real_services(compose):
    services = compose["services"]
    assert {*APP_SERVICES, "postgres", "redis", "rabbitmq"} <= set(services)
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production", name
        assert set(REQUIRED) <= set(env), name
        assert "@postgres:5432/" in env["DATABASE_URL"], name
        assert env["CACHE_URL"].startswith("redis://redis:"), name
        assert env["CELERY_BROKER_URL"].startswith("amqp://"), name
        assert "@rabbitmq:5672/" in env["CELERY_BROKER_URL"], name
    assert services["web"]["command"][:2] == ["gunicorn", "config.wsgi"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    # WebSockets and SSE: the ASGI app in its own process, over the shared channel layer.
    assert services["realtime"]["command"][0] == "daphne"
    assert services["realtime"]["command"][-1] == "config.asgi:application"
    assert services["realtime"]["environment"]["CHANNEL_LAYER_URL"].startswith("redis://redis:")
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert (
        "--scheduler=django_celery_beat.schedulers:DatabaseScheduler" in services["beat"]["command"]
    )


def test_compose_starts_the_app_after_migrations_and_healthy_services(compose):
    services = compose["services"]
    for name in ("web", "realtime", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        for backing in ("postgres", "redis", "rabbitmq"):
            assert depends[backing]["condition"] == "service_healthy", (name, backing)
            assert "healthcheck" in services[backing], backing
    # The image's HEALTHCHECK probes gunicorn: processes without one must not inherit it.
    assert services["beat"]["healthcheck"] == {"disable": True}
    assert "inspect ping" in services["worker"]["healthcheck"]["test"][-1]


def test_dockerfile_is_multi_stage_non_root_and_healthchecked():
    text = (BASE_DIR / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\w+)", text, re.M | re.I)
    assert stages == ["builder", "runtime"]
    builder, runtime = text.split("AS runtime", 1)
    assert "--find-links=/wheels" in builder
    assert "--no-index" in builder
    assert re.search(r"^COPY --from=builder /opt/venv /opt/venv$", runtime, re.M)
    users = re.findall(r"^USER\s+(\S+)", runtime, re.M)
    assert users
    assert not users[-1].startswith(("root", "0"))
    assert "collectstatic --noinput" in runtime
    assert re.search(r"^HEALTHCHECK .*\n?.*docker/healthcheck\.py", runtime, re.M)
    assert re.search(r'^CMD \["gunicorn", "config\.wsgi"', runtime, re.M)
    assert (BASE_DIR / "docker" / "healthcheck.py").is_file()


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    for entry in (".env", ".git", ".venv", "var"):
        assert entry in ignored


def test_compose_runs_the_app_as_a_role_that_does_not_own_the_audit_log(compose):
    """Migrations run as the owner and grant the app's role; the app logs in as that role."""
    services = compose["services"]
    migrate = services["migrate"]["environment"]
    owner = re.match(r"postgres://([^:]+):", migrate["DATABASE_URL"]).group(1)
    assert owner == services["postgres"]["environment"]["POSTGRES_USER"]
    app_role = migrate["DATABASE_APP_ROLE"]
    assert app_role != owner
    for name in ("web", "worker", "beat"):
        url = services[name]["environment"]["DATABASE_URL"]
        assert url.startswith(f"postgres://{app_role}:"), name
    init = [v for v in services["postgres"]["volumes"] if "docker-entrypoint-initdb.d" in v]
    script = (BASE_DIR / init[0].split(":")[0]).read_text()
    assert f"CREATE ROLE {app_role} LOGIN" in script


def test_dockerfile_builds_without_buildkit():
    """The legacy builder (DOCKER_BUILDKIT=0) rejects RUN --mount and heredocs; only
    instructions both builders understand are used."""
    text = (BASE_DIR / "Dockerfile").read_text()
    instructions = re.findall(r"^([A-Z]+)\s+(.*)$", text, re.M)
    assert instructions
    for keyword, rest in instructions:
        assert not rest.startswith("--mount"), (keyword, rest)
        assert "<<" not in rest, (keyword, rest)
        if keyword in ("COPY", "ADD"):
            # --link and --chmod/--exclude are BuildKit-only flags.
            assert not re.search(r"--(link|chmod|exclude|parents)\b", rest), rest


def test_compose_builds_the_image_once_and_reuses_it(compose):
    services = compose["services"]
    builders = [name for name, service in services.items() if "build" in service]
    assert builders == ["migrate", "varnish"]  # varnish: the front cache's own image
    image = services["migrate"]["image"]
    for name in ("web", "realtime", "worker", "beat"):
        assert services[name]["image"] == image, name
        assert services[name]["pull_policy"] == "never", name
        # The image exists once migrate has been built and run.
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_compose_publishes_ports_on_loopback_unless_told(compose):
    for name in ("web", "realtime"):
        for port in compose["services"][name]["ports"]:
            assert port.startswith("${FOLIO_BIND:-127.0.0.1}:"), (name, port)


def test_compose_stack_on_plain_http_keeps_its_cookies(compose):
    """Secure cookies would be dropped over http://localhost and no one could sign in."""
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        assert env["SECURE_COOKIES"] == "${SECURE_COOKIES:-false}", name
        assert env["SECURE_SSL_REDIRECT"] == "${SECURE_SSL_REDIRECT:-false}", name


def test_compose_front_cache_is_optional_and_in_front_of_web(compose):
    """Varnish (deploy/varnish/) runs only with --profile front-cache, after web is healthy;
    Folio purges it only when told where it is (FRONT_CACHE_PURGE_URLS, empty by default)."""
    varnish = compose["services"]["varnish"]
    assert varnish["profiles"] == ["front-cache"]
    assert varnish["build"] == "deploy/varnish"
    assert varnish["depends_on"]["web"]["condition"] == "service_healthy"
    assert all(port.startswith("${FOLIO_BIND:-127.0.0.1}:") for port in varnish["ports"])
    site = (BASE_DIR / "deploy/varnish/site.vcl").read_text()
    assert '.host = "web";' in site
    assert '.port = "8000";' in site
    assert compose["x-folio-env"]["FRONT_CACHE_PURGE_URLS"] == "${FRONT_CACHE_PURGE_URLS:-}"
    dockerfile = (BASE_DIR / "deploy/varnish/Dockerfile").read_text()
    assert "varnish-modules" in dockerfile  # vmod xkey
    assert "USER 10001" in dockerfile

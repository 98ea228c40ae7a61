"""deploy/helm/folio, rendered by the real `helm template` and read as an operator would.

`deploy/helm/check` (the `helm` leg of .ci/run, `make helm-check`) installs helm into
var/tools/ and validates the manifests against the Kubernetes schemas; these tests check
what the chart promises. Without that helm they skip, unless FOLIO_REQUIRE_HELM=1 (the
helm leg sets it), so CI can never go green by skipping.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.integration.conftest import BASE_DIR

yaml = pytest.importorskip("yaml")

CHART = BASE_DIR / "deploy" / "helm" / "folio"
CI_VALUES = CHART / "ci"


def _helm() -> str | None:
    if os.environ.get("FOLIO_HELM"):
        return os.environ["FOLIO_HELM"]
    installed = sorted((BASE_DIR / "var" / "tools").glob("helm-v*"))
    return str(installed[-1]) if installed else shutil.which("helm")


HELM = _helm()
if HELM is None:
    if os.environ.get("FOLIO_REQUIRE_HELM") == "1":
        raise RuntimeError("FOLIO_REQUIRE_HELM=1 but no helm: run deploy/helm/check first")
    pytest.skip("no helm here: deploy/helm/check installs it", allow_module_level=True)


def helm_template(*values: str, **sets: str) -> subprocess.CompletedProcess:
    args = [HELM, "template", "folio", str(CHART), "--namespace", "folio"]
    for name in values:
        args += ["-f", str(CI_VALUES / f"{name}-values.yaml")]
    for key, value in sets.items():
        args += ["--set", f"{key}={value}"]
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603


def render(*values: str, **sets: str) -> dict[tuple[str, str], dict]:
    proc = helm_template(*values, **sets)
    assert proc.returncode == 0, proc.stderr
    docs = [doc for doc in yaml.safe_load_all(proc.stdout) if doc]
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in docs}


@pytest.fixture(scope="module")
def default() -> dict[tuple[str, str], dict]:
    return render("default")


def container(objects, kind: str, name: str) -> dict:
    spec = objects[(kind, name)]["spec"]["template"]["spec"]
    (only,) = spec["containers"]
    return only


def test_migrations_run_before_the_rollout_as_the_tables_owner(default):
    job = default[("Job", "folio-migrate")]
    hooks = job["metadata"]["annotations"]
    assert set(hooks["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    migrate = container(default, "Job", "folio-migrate")
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    env = {item["name"]: item for item in migrate["env"]}
    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
        "name": "folio-migrate",
        "key": "MIGRATE_DATABASE_URL",
    }
    assert env["DATABASE_APP_ROLE"]["value"] == "folio_app"
    assert env["DJANGO_SETTINGS_MODULE"]["value"] == "config.settings.production"
    # Its Secret is a hook too (it must exist first) and goes away once migrate succeeds.
    secret = default[("Secret", "folio-migrate")]
    annotations = secret["metadata"]["annotations"]
    assert int(annotations["helm.sh/hook-weight"]) < int(hooks["helm.sh/hook-weight"])
    assert "hook-succeeded" in annotations["helm.sh/hook-delete-policy"]
    assert secret["stringData"]["MIGRATE_DATABASE_URL"].startswith("postgres://folio:")
    # The long-running processes never see the owner's credentials.
    app_secret = default[("Secret", "folio")]["stringData"]
    assert "MIGRATE_DATABASE_URL" not in app_secret
    assert app_secret["DATABASE_URL"].startswith("postgres://folio_app:")


def test_web_runs_the_images_command_with_probes_and_an_autoscaler(default):
    cmd = re.search(r"^CMD (\[.*\])$", (BASE_DIR / "Dockerfile").read_text(), re.M).group(1)
    web = container(default, "Deployment", "folio-web")
    assert web["command"] == yaml.safe_load(cmd)
    assert web["livenessProbe"]["httpGet"]["path"] == "/health/live/"
    assert web["readinessProbe"]["httpGet"]["path"] == "/health/ready/"
    # Django answers 400 to a Host outside ALLOWED_HOSTS: the probes send an allowed one.
    allowed = default[("ConfigMap", "folio")]["data"]["ALLOWED_HOSTS"].split(",")
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        (header,) = web[probe]["httpGet"]["httpHeaders"]
        assert header == {"name": "Host", "value": allowed[0]}
    hpa = default[("HorizontalPodAutoscaler", "folio-web")]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "folio-web"
    assert hpa["spec"]["minReplicas"] >= 2
    assert "replicas" not in default[("Deployment", "folio-web")]["spec"]


def test_beat_is_a_single_replica_replaced_never_doubled(default):
    beat = default[("Deployment", "folio-beat")]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    command = container(default, "Deployment", "folio-beat")["command"]
    assert command[:4] == ["celery", "-A", "config", "beat"]
    assert "--scheduler=django_celery_beat.schedulers:DatabaseScheduler" in command
    # A disruption budget on one pod would block every node drain.
    assert ("PodDisruptionBudget", "folio-beat") not in default
    for name in ("web", "realtime", "worker"):
        assert default[("PodDisruptionBudget", f"folio-{name}")]["spec"]["minAvailable"] == 1
    worker = container(default, "Deployment", "folio-worker")["command"]
    assert worker[:4] == ["celery", "-A", "config", "worker"]


def test_ingress_sends_websockets_and_sse_to_the_asgi_process():
    objects = render("full")
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    realtime = container(objects, "Deployment", "folio-realtime")
    assert realtime["command"] == compose["services"]["realtime"]["command"]
    ingress = objects[("Ingress", "folio")]["spec"]
    assert ingress["ingressClassName"] == "nginx"
    assert ingress["tls"][0]["secretName"] == "folio-tls"
    for rule in ingress["rules"]:
        routes = {p["path"]: p["backend"]["service"]["name"] for p in rule["http"]["paths"]}
        assert routes == {
            "/ws/": "folio-realtime",
            "/api/v1/delivery/events/": "folio-realtime",
            "/api/v1/delivery/": "folio-front-cache",  # frontCache.enabled
            "/": "folio-web",
        }
    assert {rule["host"] for rule in ingress["rules"]} == {"folio.example.com", "cms.example.com"}


def test_every_pod_is_non_root_read_only_and_can_write_where_it_must(default):
    pods = [doc for key, doc in default.items() if key[0] in ("Deployment", "Job")]
    assert len(pods) == 5
    multiproc = default[("ConfigMap", "folio")]["data"]["PROMETHEUS_MULTIPROC_DIR"]
    for pod in pods:
        spec = pod["spec"]["template"]["spec"]
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] != 0
        assert spec["automountServiceAccountToken"] is False
        (main,) = spec["containers"]
        assert main["securityContext"]["readOnlyRootFilesystem"] is True
        assert main["securityContext"]["allowPrivilegeEscalation"] is False
        assert main["securityContext"]["capabilities"]["drop"] == ["ALL"]
        assert main["resources"]["requests"]["memory"]
        mounts = {m["mountPath"]: m["name"] for m in main["volumeMounts"]}
        volumes = {v["name"] for v in spec["volumes"]}
        assert set(mounts.values()) <= volumes
        for path in ("/tmp", multiproc, "/app/var/media", "/app/var/anchors"):  # noqa: S108
            assert path in mounts, (pod["metadata"]["name"], path)


def test_configuration_mirrors_the_compose_environment(default):
    """Every variable docker-compose.yml gives the app reaches the pods, from the
    ConfigMap or the Secret."""
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    wanted = set(compose["x-folio-env"]) - {"EMAIL_URL", "SENTRY_DSN"}  # optional secrets
    given = set(default[("ConfigMap", "folio")]["data"]) | set(
        default[("Secret", "folio")]["stringData"]
    )
    assert wanted <= given, sorted(wanted - given)
    web = container(default, "Deployment", "folio-web")
    assert {ref.get("configMapRef", ref.get("secretRef"))["name"] for ref in web["envFrom"]} == {
        "folio"
    }
    # Changing either rolls the pods.
    annotations = default[("Deployment", "folio-web")]["spec"]["template"]["metadata"]
    assert {"checksum/config", "checksum/secret"} <= set(annotations["annotations"])


def test_a_missing_secret_stops_the_render_with_its_name():
    proc = helm_template()
    assert proc.returncode != 0
    assert "secret.djangoSecretKey" in proc.stderr


def test_an_existing_secret_replaces_the_charts_own():
    objects = render("existing-secret")
    assert not [key for key in objects if key[0] == "Secret"]
    for name in ("folio-web", "folio-worker", "folio-beat"):
        refs = container(objects, "Deployment", name)["envFrom"]
        assert {"secretRef": {"name": "folio-secrets"}} in refs
    migrate = container(objects, "Job", "folio-migrate")
    env = {item["name"]: item for item in migrate["env"]}
    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "folio-secrets"
    assert "DATABASE_APP_ROLE" not in env  # appRole "" : a single-role database
    assert ("Deployment", "folio-realtime") not in objects
    assert [
        p["path"] for p in objects[("Ingress", "folio")]["spec"]["rules"][0]["http"]["paths"]
    ] == ["/"]


def test_network_policy_lets_only_web_and_realtime_accept_connections(default):
    base = default[("NetworkPolicy", "folio")]["spec"]
    assert base["ingress"] == []
    assert set(base["policyTypes"]) == {"Ingress", "Egress"}
    http = default[("NetworkPolicy", "folio-http")]["spec"]
    selector = {e["key"]: e["values"] for e in http["podSelector"]["matchExpressions"]}
    assert sorted(selector["app.kubernetes.io/component"]) == ["realtime", "web"]
    assert http["ingress"][0]["ports"] == [{"port": 8000, "protocol": "TCP"}]


def test_metrics_are_closed_unless_the_operator_opens_them(default):
    """/metrics' token travels in the Secret; the worker's tokenless metrics port is
    reachable only from the peers networkPolicy.metricsFrom names (none by default)."""
    worker = container(default, "Deployment", "folio-worker")
    assert {"name": "metrics", "containerPort": 9808, "protocol": "TCP"} in worker["ports"]
    assert ("NetworkPolicy", "folio-metrics") not in default

    full = render("full")
    assert full[("Secret", "folio")]["stringData"]["METRICS_TOKEN"] == "ci-only-metrics-token"
    policy = full[("NetworkPolicy", "folio-metrics")]["spec"]
    assert {"port": 9808, "protocol": "TCP"} in policy["ingress"][0]["ports"]
    monitoring = {"kubernetes.io/metadata.name": "monitoring"}
    assert policy["ingress"][0]["from"][0]["namespaceSelector"]["matchLabels"] == monitoring


def test_only_web_requests_run_under_a_statement_timeout(default):
    """Web's statements are cancelled before gunicorn's 30 s timeout; the migration Job, the
    worker and beat run long statements on purpose and get none."""
    web = {e["name"]: e["value"] for e in container(default, "Deployment", "folio-web")["env"]}
    assert 0 < int(web["DB_STATEMENT_TIMEOUT_MS"]) < 30_000
    for name in ("folio-worker", "folio-beat"):
        env = container(default, "Deployment", name).get("env", [])
        assert "DB_STATEMENT_TIMEOUT_MS" not in {e["name"] for e in env}
    assert "DB_STATEMENT_TIMEOUT_MS" not in default[("ConfigMap", "folio")]["data"]


def test_the_front_cache_is_off_unless_enabled(default):
    assert not [key for key in default if "front-cache" in key[1]]
    assert default[("ConfigMap", "folio")]["data"]["FRONT_CACHE_PURGE_URLS"] == ""


def test_the_front_cache_sits_before_web_and_the_worker_purges_each_replica():
    """frontCache.enabled: Varnish (deploy/varnish/) as a StatefulSet, whose replicas the
    worker purges one by one by their stable names; its site.vcl points at web's Service
    and lets only purgeFrom purge; network policies let it reach web and the worker it."""
    objects = render("full")
    cache = objects[("StatefulSet", "folio-front-cache")]["spec"]
    assert cache["replicas"] == 3
    assert cache["serviceName"] == "folio-front-cache-pods"
    assert objects[("Service", "folio-front-cache-pods")]["spec"]["clusterIP"] == "None"
    urls = objects[("ConfigMap", "folio")]["data"]["FRONT_CACHE_PURGE_URLS"].split(",")
    assert urls == [f"http://folio-front-cache-{n}.folio-front-cache-pods:8080" for n in range(3)]
    varnish = container(objects, "StatefulSet", "folio-front-cache")
    assert varnish["image"] == "registry.example.com/folio-varnish:7.1"
    assert varnish["securityContext"]["readOnlyRootFilesystem"] is True
    mounts = {m["mountPath"] for m in varnish["volumeMounts"]}
    assert {"/etc/varnish/site", "/var/lib/folio-varnish"} <= mounts
    site = objects[("ConfigMap", "folio-front-cache")]["data"]["site.vcl"]
    assert '.host = "folio-web";' in site
    assert '"Host: folio.example.com"' in site
    assert '"10.42.0.0"/16;' in site
    assert "10.0.0.0" not in site  # purgeFrom replaces the default networks
    ingress_to_cache = objects[("NetworkPolicy", "folio-front-cache")]["spec"]["ingress"][0]
    peers = ingress_to_cache["from"]
    assert {"podSelector": {"matchLabels": {
        "app.kubernetes.io/name": "folio",
        "app.kubernetes.io/instance": "folio",
        "app.kubernetes.io/component": "worker",
    }}} in peers  # fmt: skip
    web_from = objects[("NetworkPolicy", "folio-http")]["spec"]["ingress"][0]["from"]
    assert any(
        p.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/component")
        == "front-cache"
        for p in web_from
    )

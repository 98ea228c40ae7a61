# What differs per deployment, included by default.vcl: the backend (Folio's web process)
# and who may purge. This one is the compose stack's (docker-compose.yml, profile
# front-cache); the Helm chart writes its own (deploy/helm/folio/templates/front-cache.yaml),
# and tests/integration/test_front_cache.py its own on 127.0.0.1.

backend folio {
    .host = "web";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 35s;  # past gunicorn's 30 s request timeout
    .probe = {
        .url = "/health/live/";
        .interval = 5s;
        .timeout = 2s;
        .window = 3;
        .threshold = 2;
    }
}

# Folio's worker purges after a publish (FRONT_CACHE_PURGE_URLS): the compose network's
# private addresses. Never list a public network here.
acl purgers {
    "localhost";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

# Folio's front cache: Varnish 7 with vmod xkey (Debian: varnish, varnish-modules).
# docs/operations.md, "Front cache (Varnish)".
#
# - Caches anonymous GET/HEAD of the delivery API only (/api/v1/delivery/), as Folio's
#   Cache-Control allows; everything else, and any request with credentials
#   (Authorization: a JWT or an API key), a session cookie or a release preview token, goes
#   to Folio as it is (pass).
# - Tags each object with Folio's Surrogate-Key; Folio's worker purges by key after a
#   publish, unpublish or takedown commits: `PURGE /` with `xkey-purge: article article-7`.
#   A PURGE without that header purges its URL. Only addresses in `acl purgers` may purge.
# - stale-while-revalidate: a stale object is served while one background fetch refreshes
#   it. stale-if-error: while Folio's health probe fails, stale objects are served for that
#   long. X-Cache: HIT or MISS (or PASS) on every response, for debugging.
vcl 4.1;

import std;
import xkey;

include "site.vcl";  # backend folio, acl purgers

sub vcl_recv {
    set req.backend_hint = folio;
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is not allowed from this address"));
        }
        if (req.http.xkey-purge) {
            # Hard purge: a takedown must not be served again, not even once while stale.
            set req.http.X-Purged = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Purged " + req.http.X-Purged));
        }
        return (purge);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url !~ "^/api/v1/delivery/"
        || req.url ~ "^/api/v1/delivery/(preview|events)/") {
        return (pass);  # the admin, the management API, draft previews, the SSE stream
    }
    if (req.http.Authorization || req.http.X-Folio-Release-Preview
        || req.http.Cookie ~ "sessionid=") {
        return (pass);  # someone's own answer: never stored, never answered from the cache
    }
    # The delivery API reads no other cookie (analytics, consent...): drop them, or no
    # browser's request could be a hit.
    unset req.http.Cookie;
    if (req.restarts > 0 && req.http.X-Folio-Refetch) {
        set req.grace = 0s;  # see vcl_hit: fetch now, do not answer stale
    }
    return (hash);
}

sub vcl_hit {
    # Past max-age: within stale-while-revalidate, or while Folio is down (within
    # stale-if-error), answer stale (Varnish refreshes it in the background); otherwise
    # look again with no grace, which waits for a fresh copy.
    if (obj.ttl < 0s && std.healthy(req.backend_hint)
        && obj.ttl + std.duration(obj.http.X-Folio-SWR, 0s) < 0s) {
        set req.http.X-Folio-Refetch = "1";
        return (restart);
    }
    return (deliver);
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (!beresp.http.Cache-Control || beresp.http.Cache-Control !~ "(?i)\bpublic\b"
        || beresp.http.Cache-Control ~ "(?i)no-store|no-cache|private"
        || beresp.http.Set-Cookie || beresp.http.Vary == "*" || beresp.ttl <= 0s) {
        # Folio says public when a response may be shared; nothing else is stored, not
        # even for Varnish's default TTL (what Varnish's built-in VCL refuses, too).
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;  # hit-for-miss
        return (deliver);
    }
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);  # keep serving the stale copy (stale-if-error)
    }
    # Varnish set ttl from max-age and grace from stale-while-revalidate; grace is made as
    # long as stale-if-error, and vcl_hit uses the shorter window while Folio is healthy.
    set beresp.http.X-Folio-SWR = "" + beresp.grace + "s";
    if (beresp.http.Cache-Control ~ "(?i)stale-if-error=\d+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "(?i)^.*stale-if-error=(\d+).*$", "\1s"),
            beresp.grace);
    }
    set beresp.http.xkey = beresp.http.Surrogate-Key;
    return (deliver);
}

sub vcl_backend_error {
    if (bereq.is_bgfetch) {
        return (abandon);  # Folio unreachable: the stale copy stays (stale-if-error)
    }
}

sub vcl_deliver {
    if (req.http.X-Folio-Refetch && obj.hits == 0) {
        set resp.http.X-Cache = "MISS";
    } elsif (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.xkey;
    unset resp.http.X-Folio-SWR;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}

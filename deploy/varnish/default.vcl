#
# Varnish (Debian's `varnish` package, 7.x) in front of the site's gunicorn hosts.
#
# - Public pages are cached for as long as the site's Surrogate-Control says (at most a
#   day, less when something on the page changes on a date). Each page names what it
#   shows in its `xkey` header (reviews/cache_tags.py); on every approval, withdrawal and
#   interface-string save the site sends a PURGE with `xkey-purge: TAGS`, which removes
#   exactly the pages showing what changed (Debian's varnish-modules, vmod xkey), so a
#   withdrawal is gone from this cache as soon as it returns, and the rest stays cached.
#   An approval's purge says `xkey-soft: 1`: those pages expire but are served within
#   their grace (the previous approved copy) while a fresh one is fetched in the
#   background, so no visitor waits for a render; that fetch renders the new page at the
#   host. Where the host had queued the page for its page renderer instead (asked by a
#   client, not this cache), the renderer, once it has stored the page, soft-purges
#   that page's own tag (`page-...`), so the new page is fetched at once rather than
#   when the host's previous copy expires.
#   Browsers get the site's own Cache-Control (public, max-age=60) and revalidate with
#   the ETag.
# - Grace: a page whose lifetime ended (nothing on it changed: changes are purged) is
#   served for up to an hour more while a fresh copy is fetched in the background; a
#   background fetch the app answers with an error leaves that copy in place.
# - Only responses the site marks with Surrogate-Control: max-age are kept (and hashed
#   static files); everything else (redirects, errors, the admin) passes through.
# - /admin/ is never cached and keeps its cookies; every other URL is public and its
#   cookies are removed, so no session reaches a cacheable page.
# - HTML, XML and text are gzip-compressed here (stored compressed, unzipped for the
#   rare client that does not accept gzip).
# - Query parameters no page reads (utm_source, fbclid, ...) are removed and the rest
#   sorted, so they neither create cache entries here nor reach the site.
# - PURGE (by tag, or one URL) and BAN (everything) are accepted only on the listen
#   address named `purge` and only from the addresses in `acl purgers`: a TLS proxy or
#   anything else on this host that forwards visitors to the public address cannot purge.
#
# Run:  varnishd -a public=:6081 -a purge=10.0.0.5:6082 -f /etc/varnish/default.vcl \
#           -s malloc,256m
# and list the purge addresses in DJANGO_FRONTEND_CACHE_URLS (e.g. http://10.0.0.5:6082).
# With several app hosts, add one backend per host in the block below.

vcl 4.1;

import std;
import directors;
import xkey;

# BEGIN backends: one per gunicorn host (tests and deployments rewrite this block)
backend app1 {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
}

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app1);
}
# END backends

# Who may purge: the site's hosts (loopback here; deployments list the app hosts'
# private addresses), and only through the `purge` listen address.
# BEGIN purgers
acl purgers {
    "127.0.0.0"/8;
    "::1";
}
# END purgers

sub vcl_recv {
    set req.backend_hint = app.backend();
    # Only Varnish says a fetch is a background one (vcl_backend_fetch), never a client.
    unset req.http.X-Background-Fetch;

    if (req.method == "PURGE" || req.method == "BAN") {
        if (local.socket != "purge" || !(client.ip ~ purgers)) {
            return (synth(405, "Not allowed"));
        }
        if (req.method == "PURGE" && req.http.xkey-purge && req.http.xkey-soft == "1") {
            # An approval: the tagged objects expire but stay within their grace, so the
            # previous approved copy is served while a fresh one is fetched.
            set req.http.X-Purged = xkey.softpurge(req.http.xkey-purge);
            return (synth(200, "Soft-purged " + req.http.X-Purged));
        }
        if (req.method == "PURGE" && req.http.xkey-purge) {
            # Every object tagged with any of the (space-separated) tags, at once and for
            # good (withdrawals, notices, interface strings, everything).
            set req.http.X-Purged = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Purged " + req.http.X-Purged));
        }
        if (req.method == "PURGE") {
            return (purge);
        }
        # Everything, on every host name: the simplest invalidation that is always right.
        ban("obj.status != 0");
        return (synth(200, "Banned"));
    }

    # Operators read /metrics on the app host itself, never through the cache.
    if (req.url ~ "^/metrics") {
        return (synth(404, "Not found"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff pages: never cached, cookies kept.
    if (req.url ~ "^/admin(/|$)" || req.url ~ "^/healthz/") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    # Every other page is the same for every visitor: no cookie reaches it.
    unset req.http.Cookie;
    # Only the parameters a page reads (settings.PAGE_CACHE_QUERY_PARAMETERS), sorted.
    if (req.url ~ "\?" && req.url !~ "^/static/") {
        set req.url = regsuball(req.url, "([?&])(?!(q|page|page_size|country|p|since|mainSearchCriteria\.v\.c|mainSearchCriteria\.v\.cs|informationRecipient\.languageCode\.c|knowledgeResponseType)=)[^&]*", "\1");
        set req.url = regsuball(req.url, "&{2,}", "&");
        set req.url = regsub(req.url, "\?&+", "?");
        set req.url = regsub(req.url, "[?&]+$", "");
        set req.url = std.querysort(req.url);
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    # Pages carry absolute URLs (canonical, hreflang): http and https differ.
    hash_data(req.http.X-Forwarded-Proto);
    return (lookup);
}

# A background fetch (a page in grace fetched again, no visitor waiting for it) says so:
# the app then renders a page made stale by an approval itself, unless its page renderer
# is on it and not late (healthsite.page_cache.renderer), instead of answering with the
# previous copy.
sub vcl_backend_fetch {
    if (bereq.is_bgfetch) {
        set bereq.http.X-Background-Fetch = "1";
    }
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (bereq.is_bgfetch && beresp.status >= 500) {
        # The app failed a page fetched again behind its previous copy (a fault, the
        # database gone): keep serving that approved copy from grace rather than put the
        # error, or a hit-for-miss sending every visitor to the failing app, in its place;
        # the next request fetches again. (A withdrawal's hard purge leaves no copy.)
        return (abandon);
    }
    if (bereq.is_bgfetch && beresp.http.Surrogate-Control ~ "no-store") {
        # A page fetched again in the background after an approval's soft purge was
        # rendered while what it shows changed again: drop this response and keep serving
        # the previous approved copy (still in grace); the next request fetches again. A
        # hit-for-miss here would send every request for a second to the app at once.
        return (abandon);
    }
    if (bereq.is_bgfetch) {
        # A page fetched again behind its previous copy (grace) replaces that copy only once
        # its body is whole. Streamed, it would replace it at the headers, and every request
        # arriving meanwhile would wait for the body as it comes in (up to 115 ms for a feed
        # under load, the whole p99 tail while reviewers approve).
        set beresp.do_stream = false;
    }
    if (beresp.http.Set-Cookie || beresp.http.Surrogate-Control ~ "no-store") {
        # Hit-for-miss: fetch again next time, never share this response.
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }
    if (beresp.http.Surrogate-Control ~ "max-age=[0-9]+") {
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, "^.*max-age=([0-9]+).*$", "\1") + "s", 0s);
        set beresp.grace = 1h;
        set beresp.keep = 0s;
    } elsif (bereq.url ~ "^/static/" && beresp.status == 200) {
        # Hashed, immutable names (WhiteNoise): the backend's Cache-Control applies.
        set beresp.keep = 0s;
    } else {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    if (beresp.http.Content-Type ~ "^(text/|application/(xml|json|atom\+xml|javascript)|image/svg\+xml)"
        && !beresp.http.Content-Encoding) {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # For this cache only; browsers and CDNs get the site's Cache-Control.
    unset resp.http.Surrogate-Control;
    unset resp.http.X-Page-Cache;
    unset resp.http.xkey;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}

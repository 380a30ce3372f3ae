"""An HTTP cache in front that only records what it is sent: each PURGE's path and its
xkey headers, for the in-process tests of who purges what (tests/test_varnish.py runs the
real Varnish)."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Purge:
    path: str
    tags: str | None  # xkey-purge
    soft: str | None  # xkey-soft


@contextmanager
def recording_purges(path: str):
    """Yields (url, purges): `url` names a cache in front at its own `path` (a purge left
    over from another test that reaches the same port is not recorded), and `purges`
    lists what reached it, in order."""
    purges: list[Purge] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_PURGE(self):  # noqa: N802 - the HTTP method's name
            if self.path == path.rstrip("/") + "/":
                purges.append(
                    Purge(self.path, self.headers.get("xkey-purge"), self.headers.get("xkey-soft"))
                )
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{path}", purges
    finally:
        server.shutdown()
        server.server_close()

"""The single-host page cache: diskcache's Django cache with its SQLite connections kept
open between requests.

Django closes every cache when a request finishes (`request_finished` → `close_caches`).
diskcache's `close()` closes the SQLite connection of each shard, so every next request
opened four connections again and re-read their pragmas before its first lookup. Measured
in one process on the seed corpus (busy 2-core machine, load 8): 5.5 ms per page-cache hit
closing, 1.4 ms keeping them; in `make bench-publishing` the reopening was most of what a
cached page cost gunicorn.

Keeping them is safe: diskcache's connections belong to one thread and are reopened after
a fork (it compares the process id), and each read is its own autocommit statement, so a
kept connection sees every commit (a new tag token after a withdrawal) at the next read,
exactly as a new connection would. Django's memcached backends keep their connections
the same way. Nothing is cached in the process: a withdrawal still reaches every page at
once (tests/test_page_cache_backend.py).
"""

from diskcache import DjangoCache


class KeptOpenDiskCache(DjangoCache):
    def close(self, **kwargs) -> None:
        """Keep the connections for the worker's next request (see the module text)."""

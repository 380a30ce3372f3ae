"""What a worker last read of the small shared keys a hit is checked against.

A hit compares the catalogue generation, the epoch, the hard token, the outbox record and
the token of each of the page's tags: about nine keys, nine reads of a diskcache shard on
one host (Django's get_many reads them one by one). Every write of any of them comes
with a new `pages:version` token, written last in the same call (Redis writes them at
once: reviews.publication.with_new_version). So while a worker reads the same version,
the values it read after first reading that version still hold, and a hit costs one
read, of the version. Once the version has changed, nothing read before is used.

A key the cache does not hold is known as such. The keys made on a miss (the epoch, the
hard token, a tag's first token, with `add`: the middleware's `_create`) come with a new
version too, written after them and before the page stored under them: a worker that
knew a key as absent, or as the token the cache lost (evicted), reads it again before it
judges a page stored under the new one. A value read while a change is being written
(its tokens written, its version not yet) is at most newer than the version it is kept
under: a page it judges out of date is rendered, never served from older knowledge. A
key the cache lost without a change only loses its copy here when the version changes;
that is not a change of what a page shows. A cache that restarted empty or came back
with other data has another version (or none), and everything is read again.
"""

from __future__ import annotations

from collections.abc import Callable

from reviews.publication import EPOCH_KEY, HARD_KEY, SEEN_KEY, VERSION_KEY, new_token
from strings.sharing import GENERATION_KEY

# Read with every lookup, with the tokens of the page's tags.
NAMES = [GENERATION_KEY, EPOCH_KEY, SEEN_KEY, HARD_KEY]


ABSENT = object()  # known not to be held


class KnownKeys:
    def __init__(self) -> None:
        self.version: str | None = None
        self.values: dict[str, object] = {}

    def forget(self) -> None:
        self.version, self.values = None, {}

    def read(self, call: Callable, keys: list[str]) -> dict:
        """The values of `keys` the cache holds (`call`: the guarded cache call), from
        what is known where the version is unchanged; one round trip while it is."""
        wanted = [key for key in keys if key not in self.values]
        found = call("get_many", [VERSION_KEY, *wanted])  # the version first: read before
        version = found.pop(VERSION_KEY, None)
        if version is None or version != self.version:
            rest = [key for key in keys if key not in wanted]
            if rest:
                found.update(call("get_many", rest))
            self.forget()
            if version is None:  # never written, or lost: known from the next read on
                call("add", VERSION_KEY, new_token(), None)
                return found
            self.version = version
            wanted = keys
        self.values.update({key: found.get(key, ABSENT) for key in wanted})
        return {key: self.values[key] for key in keys if self.values[key] is not ABSENT}

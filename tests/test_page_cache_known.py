"""A hit reads one shared key while nothing changed (healthsite/page_cache/known.py): the
version that every write of a token, the outbox record or the catalogue generation
renews, last. What a worker read under an older version is never used."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from healthsite.page_cache import renderer
from reviews import cache_tags, publication, workflow
from strings import sharing
from tests.support.once import built_once
from tests.support.published import publish_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

URL = "/en/topics/known-topic/"
TAG = publication.tag_key(cache_tags.item("topic", "known-topic", "en"))


def build_once(reviewer):
    publish_topic("known-topic", reviewer=reviewer, title="Knownword")


@pytest.fixture
def topic(request, site):
    if not built_once(request, "published_site_once"):  # TESTS_BUILD_PER_TEST=1
        build_once(site)


@pytest.fixture
def shared():
    return caches[settings.PAGE_CACHE_ALIAS]


@pytest.fixture
def reads(shared, monkeypatch):
    """The keys read from the shared cache, in order."""
    keys: list[str] = []
    get = shared.get

    def counted_get(key, *args, **kwargs):
        keys.append(key)
        return get(key, *args, **kwargs)

    def counted_get_many(names, *args, **kwargs):  # one read, as Redis's MGET
        keys.extend(names)
        return {name: value for name in names if (value := get(name)) is not None}

    monkeypatch.setattr(shared, "get", counted_get)
    monkeypatch.setattr(shared, "get_many", counted_get_many)
    return keys


def test_a_hit_reads_only_the_version_while_nothing_changed(client, topic, reads):
    client.get(URL)
    assert client.get(URL)["X-Page-Cache"] == "hit"
    reads.clear()
    assert client.get(URL)["X-Page-Cache"] == "hit"
    assert reads == [publication.VERSION_KEY]
    # Another worker (nothing in its memory): the page and the version.
    reads.clear()
    assert Client().get(URL)["X-Page-Cache"] == "hit"
    assert len(reads) > 2  # it knew nothing yet: it read every token once
    reads.clear()
    assert Client().get(URL)["X-Page-Cache"] == "hit"
    assert len(reads) > 2  # a new worker again


def test_a_change_is_seen_once_its_version_is_written(client, topic, shared):
    client.get(URL)
    assert client.get(URL)["X-Page-Cache"] == "hit"
    # A change half written (its tokens, not yet its version) is not seen yet...
    shared.set(TAG, publication.new_token(), None)
    assert client.get(URL)["X-Page-Cache"] == "hit"
    # ...and is, as soon as the version is renewed.
    shared.set(publication.VERSION_KEY, publication.new_token(), None)
    assert client.get(URL)["X-Page-Cache"] == "miss"
    assert client.get(URL)["X-Page-Cache"] == "hit"


def test_a_withdrawal_reaches_a_worker_that_knew_the_version(client, site, topic):
    client.get(URL)
    assert client.get(URL)["X-Page-Cache"] == "hit"
    workflow.withdraw("topic", "known-topic", by=site, reason="unsafe advice")
    assert client.get(URL).status_code == 410


def test_a_page_stored_under_a_token_this_worker_knew_otherwise_is_read_again(
    client, topic, shared
):
    """The token changed without a change (evicted, and made again by another worker
    that rendered a page): the page that worker stored under it is a hit here too, not
    rendered again on every request while this worker knows the old token."""
    client.get(URL)
    assert client.get(URL)["X-Page-Cache"] == "hit"  # the token known here
    shared.delete(TAG)
    other = URL + "?country=GB"  # the same topic's tags, not in this worker's memory
    assert Client().get(other)["X-Page-Cache"] == "miss"  # stored under a new token
    assert shared.get(TAG) is not None
    for _ in range(2):
        assert client.get(other)["X-Page-Cache"] == "hit"


def test_a_page_waiting_for_the_renderer_costs_a_request_three_reads(client, topic, shared, reads):
    """After an approval the page's previous copy is served until the renderer stores
    the new one: each of those requests reads the page, the version and the page's lock,
    not every token again (twelve reads before the tokens made on a miss came with a
    new version)."""
    shared.set(renderer.ALIVE_KEY, 1, 60)  # a renderer signalled (it is not run here)
    client.get(URL)
    publication.invalidate_page_cache([cache_tags.item("topic", "known-topic", "en")], grace=True)
    assert client.get(URL)["X-Page-Cache"] == "stale"  # queued
    for _ in range(2):
        reads.clear()
        assert client.get(URL)["X-Page-Cache"] == "stale"
        assert sorted(reads) == sorted([publication.VERSION_KEY, *shared_page_and_lock(reads)])


def shared_page_and_lock(reads: list[str]) -> list[str]:
    page = next(key for key in reads if key.startswith("page:"))
    return [page, renderer.lock_key(page)]


@pytest.fixture
def writes(shared, monkeypatch):
    keys: list[str] = []
    for name in ("set", "add"):
        original = getattr(shared, name)

        def written(key, *args, _original=original, **kwargs):
            keys.append(key)
            return _original(key, *args, **kwargs)

        monkeypatch.setattr(shared, name, written)
    set_many = shared.set_many

    def written_many(values, *args, **kwargs):
        keys.extend(values)
        return set_many(values, *args, **kwargs)

    monkeypatch.setattr(shared, "set_many", written_many)
    return keys


@pytest.mark.parametrize(
    "change",
    [
        lambda: publication.invalidate_page_cache(["topic:x:en"], grace=True),
        lambda: publication.invalidate_page_cache([cache_tags.ALL]),
        publication.reset_seen,
        lambda: publication.catch_up(None),  # a cache that lost its outbox record
        lambda: sharing.share("ru"),  # interface strings saved on this host
    ],
    ids=["approval", "hard", "reset-seen", "catch-up", "catalogues"],
)
def test_every_write_a_hit_is_checked_against_renews_the_version_last(
    topic, writes, shared, change
):
    before = shared.get(publication.VERSION_KEY)
    change()
    assert writes and writes[-1] == publication.VERSION_KEY
    assert shared.get(publication.VERSION_KEY) != before

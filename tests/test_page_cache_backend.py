"""The single-host page cache keeps its SQLite connections between requests
(healthsite.cache_backends) and still sees every change at once."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import caches, close_caches
from django.test import override_settings


@pytest.fixture
def disk_cache(tmp_path):
    backend = {
        "BACKEND": "healthsite.cache_backends.KeptOpenDiskCache",
        "LOCATION": str(tmp_path / "cache"),
        "TIMEOUT": None,
        "SHARDS": 4,
        "DATABASE_TIMEOUT": 0.1,
    }
    with override_settings(CACHES={**settings.CACHES, "pages": backend}):
        cache = caches["pages"]
        try:
            yield cache
        finally:
            cache._cache.close()  # the test's own connections


def shard_connections(cache) -> list:
    return [getattr(shard._local, "con", None) for shard in cache._cache._shards]


def test_the_shipped_single_host_cache_is_the_kept_open_one():
    from healthsite.settings import base

    if not base.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        assert base.CACHES["default"]["BACKEND"] == "healthsite.cache_backends.KeptOpenDiskCache"


def test_connections_outlive_the_end_of_a_request(disk_cache):
    disk_cache.get_many([f"tag:{n}" for n in range(8)])  # touches every shard
    before = shard_connections(disk_cache)
    assert all(before)
    close_caches()  # Django's receiver of request_finished, after each response
    disk_cache.get_many([f"tag:{n}" for n in range(8)])
    assert [a is b for a, b in zip(before, shard_connections(disk_cache), strict=True)] == [
        True
    ] * 4


def test_a_kept_connection_reads_a_new_token_written_elsewhere_at_once(disk_cache, tmp_path):
    """Another worker (another connection to the same files) replaces a tag's token, as an
    invalidation does: the next read through the kept connection sees it."""
    from diskcache import FanoutCache

    disk_cache.set("tag:topic:x:en", "old")
    assert disk_cache.get("tag:topic:x:en") == "old"
    other = FanoutCache(str(tmp_path / "cache"), shards=4, timeout=0.1)
    try:
        other.set(disk_cache.make_key("tag:topic:x:en"), "new")
        assert disk_cache.get("tag:topic:x:en") == "new"
    finally:
        other.close()

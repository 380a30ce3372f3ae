"""`make bench-scale N=10000`: the bench (scripts/bench.py) on a corpus grown by N synthetic
topics, copies of the seed topics in four languages under new slugs, loaded and approved
in batches (`manage.py build_synthetic_corpus`), with its progress shown.

First, in the same run, each page's render time and gunicorn p50 on the seed corpus.
Then prints the load-and-approval time, the builder's peak memory and the database size
per 1,000 topics (with what each part of a snapshot takes), and bench.py measures the
same page table as `make bench`, with the seed corpus's p50 beside each page. Targets
(issue 13): load and approval of the whole corpus in under 10 minutes, each page's p50
within 2x of the seed corpus's, each sitemap file under 50 ms.
"""

from __future__ import annotations

import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.support.serving import ROOT

LOAD_TARGET_SECONDS = 600

# What each table holds, in groups that say what a snapshot costs.
TABLE_GROUPS = {
    "editable rows (articles_*)": lambda name: name.startswith("articles_"),
    "published payload + source (reviews_publishedversion)": lambda name: name
    == "reviews_publishedversion",
    "search entries (reviews_searchentry)": lambda name: name == "reviews_searchentry",
    "full-text index (reviews_searchentry_fts*)": lambda name: name.startswith(
        "reviews_searchentry_fts"
    ),
    "review states, placements, audit": lambda name: name.startswith("reviews_"),
}


def _table_sizes(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
        indexes = dict(connection.execute("SELECT name, tbl_name FROM sqlite_master").fetchall())
    sizes: dict[str, int] = {}
    for name, size in rows:
        table = indexes.get(name, name)
        sizes[table] = sizes.get(table, 0) + size
    return sizes


def _grouped(database: Path) -> dict[str, int]:
    groups = dict.fromkeys([*TABLE_GROUPS, "everything else"], 0)
    for table, size in _table_sizes(database).items():
        group = next((g for g, test in TABLE_GROUPS.items() if test(table)), "everything else")
        groups[group] += size
    return groups


def _topics(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM articles_article").fetchone()[0]


def build(env: dict, database: Path, topics: int) -> list[str]:
    """Add `topics` synthetic topics to the prepared site; returns the targets missed."""
    seed_topics = _topics(database)
    before = _grouped(database)
    print(f"seed corpus: {seed_topics} topics, {database.stat().st_size / 2**20:.1f} MB")
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", "build_synthetic_corpus", str(topics)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    elapsed = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    after = _grouped(database)
    added = _topics(database) - seed_topics
    print(
        f"loaded and approved {added} topics in {elapsed:.0f} s "
        f"({elapsed / added * 1000:.0f} s per 1,000 topics); builder peak memory "
        f"{peak_mb:.0f} MB; database {database.stat().st_size / 2**20:.1f} MB"
    )
    print("database size per 1,000 topics added:")
    for group, size in after.items():
        print(f"  {group:<58} {(size - before[group]) / added * 1000 / 2**20:8.1f} MB")
    total = sum(after.values()) - sum(before.values())
    print(f"  {'total':<58} {total / added * 1000 / 2**20:8.1f} MB")
    if elapsed > LOAD_TARGET_SECONDS:
        return [f"load and approval of {added} topics: {elapsed:.0f} s > {LOAD_TARGET_SECONDS} s"]
    return []


COLD_RENDER_SCRIPT = """
import statistics, sys, time
import django
django.setup()
from django.conf import settings
from django.core.cache import caches
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
for path in sys.argv[1:]:
    timings = []
    for _ in range(7):
        caches[settings.PAGE_CACHE_ALIAS].clear()  # what rendering costs, not the cache
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    print(f"RENDER {statistics.median(timings):.3f} {path}", flush=True)
"""


def cold_render_times(
    env: dict, paths: list[str], before: dict | None = None, show: bool = True
) -> dict:
    """How long each page takes to render with the page cache empty (median of 7, in one
    process: no HTTP, no gunicorn); printed (unless not `show`) beside `before` (the seed
    corpus's) if given. Returns {path: ms}."""
    if show:
        print("render time with an empty page cache (median of 7)" + (
            ": seed corpus, then this corpus" if before else ":"))  # fmt: skip
    output = subprocess.run(
        [sys.executable, "-c", COLD_RENDER_SCRIPT, *paths],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    times = {}
    for line in output.splitlines():
        if line.startswith("RENDER "):  # (the site's own log lines may be there too)
            _label, milliseconds, path = line.split(" ", 2)
            times[path] = float(milliseconds)
    for path in paths if show else []:
        seed = f"{before[path]:8.1f} ms -> " if before else ""
        print(f"  {path:<58} {seed}{times[path]:8.1f} ms", flush=True)
    return times

"""Benchmark the public pages behind a real gunicorn: latency per page and worker memory.

    make bench            (or: .venv/bin/python scripts/bench.py --requests 200)

Builds a throwaway SQLite site with the whole corpus approved, starts gunicorn on
loopback, sends the requests from a few client threads, and prints p50/p95 latency and
requests per second per page, then the resident memory of each worker.
Targets, for this project's 2-core machine: p95 under 100 ms on every page with
2 clients, and under 150 MB per worker. Exits 1 when a target is missed. Not run by CI:
timings depend on the machine; query counts are pinned by tests instead.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.serving import ROOT, fetch, running_site  # noqa: E402

PAGES = [
    "/en/",
    "/ar/",
    "/en/regions/back/",
    "/en/topics/back-spasms-lumbago/",
    "/ar/topics/throat-spasm/",
    "/ar/topics/leg-cramps/",
    "/ru/search/?q=%D1%81%D1%83%D0%B4%D0%BE%D1%80%D0%BE%D0%B3%D0%B8",  # судороги
    "/sitemap.xml",
]
P95_TARGET_MS = 100
RSS_TARGET_MB = 150


def worker_rss_mb(master_pid: int) -> list[float]:
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master_pid):
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sizes


def measure(base: str, path: str, requests: int, clients: int) -> tuple[float, float, float]:
    def one(_):
        start = time.perf_counter()
        status = fetch(base + path)[0]
        assert status == 200, (path, status)
        return (time.perf_counter() - start) * 1000

    for _ in range(5):  # warm up each worker's caches
        one(None)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        timings = sorted(pool.map(one, range(requests)))
    elapsed = time.perf_counter() - started
    p95 = timings[int(len(timings) * 0.95) - 1]
    return statistics.median(timings), p95, requests / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="per page")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()

    missed = []
    with (
        tempfile.TemporaryDirectory() as work,
        running_site(Path(work), ROOT / "locale", workers=options.workers) as (base, gunicorn),
    ):
        print(f"{'page':<36} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
        for path in PAGES:
            p50, p95, rate = measure(base, path, options.requests, options.clients)
            print(f"{path:<36} {p50:8.1f} {p95:8.1f} {rate:8.1f}")
            if p95 > P95_TARGET_MS:
                missed.append(f"{path}: p95 {p95:.0f} ms > {P95_TARGET_MS} ms")
        sizes = worker_rss_mb(gunicorn.pid)
        print("worker memory (MB):", ", ".join(f"{size:.0f}" for size in sizes))
        missed += [
            f"worker {size:.0f} MB > {RSS_TARGET_MB} MB" for size in sizes if size > RSS_TARGET_MB
        ]
    for line in missed:
        print("MISSED:", line)
    print("all targets met" if not missed else f"{len(missed)} target(s) missed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

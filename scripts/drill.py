"""Restore drill during `make bench-publishing` (issue 26, "done when").

    make drill   (or: .venv/bin/python scripts/drill.py [--duration 20])
    scripts/with-postgres .venv/bin/python scripts/drill.py   (the same on PostgreSQL:
        the site in the DATABASE_URL it names, pg_dump mid-run, restored into a new
        database beside it)

Builds the benchmark's site (SQLite, the corpus approved, gunicorn with 2 sync workers,
the shipped Varnish in front), then runs the publishing benchmark's two loaded phases:
`wrk -t2 -c16` over the same 202 URLs, first on gunicorn, then through Varnish, while a
reviewer approves one edited version every 2 s in another process. In the middle of the
gunicorn phase it takes `manage.py backup`; at the start, middle and end of each phase it
scrapes `/metrics` from gunicorn (saved as files). After the run it restores the backup
into an empty database with `manage.py restore` and compares it with the source as it
was at the backup's moment:

- the audit log: the restored rows are exactly the first rows of the source, every column;
- published snapshots: exactly the first rows of the source, every column that never
  changes once written; a flag that differs (current, outdated, withdrawn, held) is
  allowed only where the source has a newer snapshot of that item and language made after
  the backup; one snapshot per approval in the restored audit log;
- drafts: every draft row equals the rows read before the publishing began with the
  publisher's journal replayed up to the last step the restored audit log has submitted
  (the one step in flight at the backup may be in or out; `updated_at` not compared);
  the other draft tables equal the source.

Writes everything to var/drill/<UTC time>/: the scrapes, the backup, `summary.json`.
Exit status 1 when anything was lost. Not run by CI (minutes, and timing-dependent).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_publishing import APPROVAL_SECONDS, PUBLISHER, urls, wrk, wrk_script  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from tests.support.frontends import have, request, running_varnish  # noqa: E402
from tests.support.serving import (  # noqa: E402
    ROOT,
    free_port,
    manage,
    prepare_site,
    running_gunicorn,
    site_env,
)

AUDIT = "reviews_auditentry"
SNAPSHOTS = "reviews_publishedversion"
DRAFT = "articles_article"
OTHER_DRAFTS = ("articles_warningsign", "articles_reliefmeasure")
# Columns of a snapshot a later approval or withdrawal may change.
SNAPSHOT_FLAGS = {"is_current", "outdated", "withdrawn_at", "held", "held_at"}


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def table(db: Path | str, name: str) -> tuple[list[str], dict[int, tuple]]:
    """(column names, rows by id) of `name`, read as stored: `db` is a SQLite file or a
    PostgreSQL URL."""
    if isinstance(db, str):
        import psycopg

        with psycopg.connect(db) as connection:
            cursor = connection.execute(f"SELECT * FROM {name} ORDER BY id")  # noqa: S608
            columns = [column.name for column in cursor.description]
            return columns, {row[0]: row for row in cursor.fetchall()}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        cursor = connection.execute(f"SELECT * FROM {name} ORDER BY id")  # noqa: S608
        columns = [column[0] for column in cursor.description]
        return columns, {row[0]: row for row in cursor.fetchall()}


def empty_postgres(url: str, role: str) -> str:
    """A new, empty database on the server `url` names; its URL."""
    import psycopg

    server = url.rsplit("/", 1)[0]
    name = f"drill_{role}_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(server + "/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return server + "/" + name


def scrape(app: str, path: Path) -> dict[tuple, float]:
    text = urllib.request.urlopen(app + "/metrics", timeout=10).read().decode()  # noqa: S310
    path.write_text(text)
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, *sorted(sample.labels.items()))] = sample.value
    return samples


def total(samples: dict, name: str, **labels) -> float:
    wanted = set(labels.items())
    return sum(value for key, value in samples.items() if key[0] == name and wanted <= set(key[1:]))


def varnish_counters(state: Path, path: Path) -> dict:
    """Varnish's hit and miss counters read directly (beside /metrics, which reads the
    same command with a 1 s limit), and how long varnishstat took."""
    began = time.monotonic()
    done = subprocess.run(
        ["varnishstat", "-n", str(state), "-1", "-j"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    path.write_text(done.stdout)
    counters = json.loads(done.stdout or "{}")
    counters = counters.get("counters", counters)
    return {
        "hit": counters.get("MAIN.cache_hit", {}).get("value", 0),
        "miss": counters.get("MAIN.cache_miss", {}).get("value", 0),
        "seconds": round(time.monotonic() - began, 3),
    }


def figures(first: dict, last: dict, seconds: float) -> dict:
    """What the metrics say about a phase: rates and hit ratios from counter deltas."""

    def delta(name, **labels):
        return total(last, name, **labels) - total(first, name, **labels)

    by_type = {
        key[1][1]: 0.0
        for key in last
        if key[0] == "healthsite_requests_total" and key[1][0] == "page_type"
    }
    for kind in by_type:
        by_type[kind] = round(delta("healthsite_requests_total", page_type=kind) / seconds, 1)
    hits, misses = (
        delta("healthsite_page_cache_requests_total", result=r) for r in ("hit", "miss")
    )
    varnish_hits = delta("varnish_cache_hit_total")
    varnish_misses = delta("varnish_cache_miss_total")
    errors = sum(delta("healthsite_requests_total", status=str(code)) for code in range(500, 600))
    return {
        "app_requests_per_second_by_page_type": {k: v for k, v in by_type.items() if v},
        "app_5xx": errors,
        "page_cache_hit_ratio": round(hits / (hits + misses), 4) if hits + misses else None,
        "varnish_hit_ratio": round(varnish_hits / (varnish_hits + varnish_misses), 4)
        if varnish_hits + varnish_misses
        else None,
        "invalidations_waiting_at_end": total(last, "healthsite_invalidations_waiting"),
        "mail_waiting_at_end": total(last, "healthsite_mail_waiting"),
        "review_queue_at_end": total(last, "healthsite_review_queue"),
    }


def loaded_phase(name, app, base, script, env, out, options, backup_dir=None) -> dict:
    """One phase: wrk on `base` with the publisher running; scrapes at start, middle, end;
    a backup in the middle when `backup_dir` is given."""
    for path in options.paths:  # warm, as the benchmark does before each phase
        request(base + path, **{"Accept-Encoding": "gzip"})
    publisher = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", PUBLISHER],
        cwd=ROOT,
        env={**env, "PUBLISH_SECONDS": str(options.duration + 1)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    while "READY" not in (publisher.stdout.readline() or "READY"):
        pass
    phase = {"load_average_start": load()}
    started = time.monotonic()
    first = scrape(app, out / f"metrics-{name}-start.txt")
    varnish_first = varnish_counters(options.state, out / f"varnishstat-{name}-start.json")
    result = {}
    worker = threading.Thread(
        target=lambda: result.update(wrk(base, script, options.duration, options.connections))
    )
    worker.start()
    time.sleep(options.duration / 2)
    scrape(app, out / f"metrics-{name}-middle.txt")
    if backup_dir is not None:
        began = time.monotonic()
        said = manage(env, "backup", "--dir", str(backup_dir))
        phase["backup_seconds"] = round(time.monotonic() - began, 2)
        phase["backup"] = said.strip()
        phase["backup_at_second"] = round(began - started, 1)
    worker.join()
    last = scrape(app, out / f"metrics-{name}-end.txt")
    varnish_last = varnish_counters(options.state, out / f"varnishstat-{name}-end.json")
    hits, misses = (varnish_last[k] - varnish_first[k] for k in ("hit", "miss"))
    phase["varnishstat"] = {
        "hit_ratio": round(hits / (hits + misses), 4) if hits + misses else None,
        "seconds_per_read": [varnish_first["seconds"], varnish_last["seconds"]],
    }
    seconds = time.monotonic() - started
    output, _ = publisher.communicate(timeout=120)
    steps = [json.loads(line[5:]) for line in output.splitlines() if line.startswith("STEP ")]
    approvals = re.search(r"APPROVALS (\d+)", output)
    phase.update(
        wrk={k: round(v, 3) for k, v in result.items()},
        approvals=int(approvals[1]) if approvals else 0,
        metrics=figures(first, last, seconds),
        load_average_end=load(),
    )
    return phase, steps


def compare(source, restored, before: dict, steps: list[dict]) -> dict:
    """What the restored copy holds against the source at the backup's moment; a list of
    problems (empty: nothing lost)."""
    problems = []
    # Audit log: an exact prefix, every column.
    columns, audit = table(source, AUDIT)
    _, restored_audit = table(restored, AUDIT)
    ids = sorted(restored_audit)
    if ids != sorted(audit)[: len(ids)]:
        problems.append("audit log: the restored ids are not the first ids of the source")
    problems += [f"audit entry {pk} differs" for pk in ids if restored_audit[pk] != audit.get(pk)]
    new_entries = [audit[pk] for pk in ids if pk > before["audit_max"]]
    action = columns.index("action")
    submitted = sum(1 for row in new_entries if row[action] == "submit")
    approved = sum(1 for row in new_entries if row[action] == "approve")

    # Snapshots: a prefix on what never changes; flags only where a later one exists.
    columns, snapshots = table(source, SNAPSHOTS)
    _, restored_snapshots = table(restored, SNAPSHOTS)
    ids = sorted(restored_snapshots)
    if ids != sorted(snapshots)[: len(ids)]:
        problems.append("snapshots: the restored ids are not the first ids of the source")
    # An English approval marks the translations' snapshots outdated: any newer snapshot
    # of the item, in any language, explains a changed flag.
    item = [columns.index(name) for name in ("kind", "key")]
    newer = {tuple(row[i] for i in item) for pk, row in snapshots.items() if pk > max(ids)}
    flags_changed = 0
    for pk in ids:
        mine, theirs = restored_snapshots[pk], snapshots.get(pk)
        if theirs is None:
            problems.append(f"snapshot {pk} is not in the source")
            continue
        for position, name in enumerate(columns):
            if mine[position] == theirs[position]:
                continue
            if name in SNAPSHOT_FLAGS and tuple(mine[i] for i in item) in newer:
                flags_changed += 1
            else:
                problems.append(f"snapshot {pk}: {name} differs")
    if len(ids) != before["snapshots"] + approved:
        problems.append(
            f"snapshots: {len(ids)} restored, {before['snapshots']} before + {approved} "
            "approvals in the restored audit log"
        )

    # Drafts: the rows before the run with the journal replayed up to the backup.
    columns, restored_drafts = table(restored, DRAFT)
    slug, updated = columns.index("slug"), columns.index("updated_at")
    expected = {row[slug]: list(row) for row in before["drafts"].values()}
    for step in steps[:submitted]:
        expected[step["key"]][columns.index(step["field"])] = step["value"]
    in_flight = steps[submitted] if len(steps) > submitted else None
    for row in restored_drafts.values():
        want = expected.get(row[slug])
        if want is None:
            problems.append(f"draft {row[slug]} was not there before")
            continue
        for position, name in enumerate(columns):
            if position == updated or row[position] == want[position]:
                continue
            if f"{name}_en" in columns:  # modeltranslation's own column: the English one
                english = columns.index(f"{name}_en")
                if row[position] in (want[english], row[english]):
                    continue
            if (
                in_flight
                and in_flight["key"] == row[slug]
                and in_flight["field"] == name
                and row[position] == in_flight["value"]
            ):
                continue  # the edit in flight at the backup, committed before it
            problems.append(f"draft {row[slug]}: {name} differs")
    if len(restored_drafts) != len(expected):
        problems.append("drafts: a different number of rows")
    for name in OTHER_DRAFTS:
        if table(restored, name)[1] != table(source, name)[1]:
            problems.append(f"{name} differs")
    return {
        "audit_entries_restored": len(restored_audit),
        "audit_entries_in_source_after_the_run": len(audit),
        "snapshots_restored": len(ids),
        "snapshots_in_source_after_the_run": len(snapshots),
        "snapshot_flags_changed_by_later_approvals": flags_changed,
        "approvals_before_the_backup": approved,
        "drafts_compared": len(restored_drafts),
        "journal_steps_before_the_backup": submitted,
        "problems": problems,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per phase")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "var" / "drill"))
    options = parser.parse_args()
    missing = [name for name in ("wrk", "varnishd") if not have(name)]
    if missing:
        print(f"drill needs {', '.join(missing)}: apt-get install -y wrk varnish")
        return 2
    out = Path(options.out) / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out.mkdir(parents=True)
    summary = {"load_average_at_start": load(), "urls": 0}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        work = Path(tmp)
        state = options.state = work / "varnish" / "state"
        postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
        source_url = empty_postgres(os.environ["DATABASE_URL"], "site") if postgres else ""
        extra = {"DATABASE_URL": source_url} if postgres else {}
        env = site_env(
            work,
            ROOT / "locale",
            DJANGO_METRICS_VARNISHSTAT=f"varnishstat -n {state}",
            **extra,
        )
        summary["database"] = "PostgreSQL" if postgres else "SQLite"
        prepare_site(env)
        paths = urls()
        summary["urls"] = len(paths)
        app, _gunicorn = stack.enter_context(running_gunicorn(env, workers=options.workers))
        purge_port = free_port()
        cache = stack.enter_context(
            running_varnish(work / "varnish", [app[len("http://") :]], purge_port=purge_port)
        )
        publisher_env = {
            **env,
            "DJANGO_FRONTEND_CACHE_URLS": f"http://127.0.0.1:{purge_port}",
            "PUBLISH_INTERVAL": str(APPROVAL_SECONDS),
        }
        options.paths = paths
        source = source_url if postgres else work / "db.sqlite3"
        _, audit = table(source, AUDIT)
        before = {
            "audit_max": max(audit),
            "snapshots": len(table(source, SNAPSHOTS)[1]),
            "drafts": table(source, DRAFT)[1],
        }
        print(
            f"{len(paths)} URLs, wrk -t2 -c{options.connections} -d{options.duration}s per "
            f"phase, gunicorn {options.workers} sync workers, {summary['database']}, one "
            f"approval every {APPROVAL_SECONDS:g} s; load average {load()}",
            flush=True,
        )
        steps = []
        for name, base, header, hit in [
            ("gunicorn", app, "X-Page-Cache", "hit"),
            ("varnish", cache, "X-Cache", "HIT"),
        ]:
            script = wrk_script(work, paths, header, hit)
            phase, journal = loaded_phase(
                name,
                app,
                base,
                script,
                publisher_env,
                out,
                options,
                backup_dir=out / "backup" if name == "gunicorn" else None,
            )
            steps += journal
            summary[name] = phase
            print(name, json.dumps(phase, indent=1), flush=True)
        stack.close()  # gunicorn and Varnish stopped; the publisher has finished
        copy = next((out / "backup").iterdir())
        restored = empty_postgres(source, "restored") if postgres else work / "restored.sqlite3"
        url = restored if postgres else f"sqlite:///{restored}"
        said = manage({**env, "DATABASE_URL": url}, "restore", str(copy))
        summary["restore"] = said.strip().splitlines()[-1]
        summary["manifest"] = json.loads((copy / "manifest.json").read_text())
        summary["comparison"] = compare(source, restored, before, steps)
    summary["load_average_at_end"] = load()
    (out / "summary.json").write_text(json.dumps(summary, indent=1, default=str))
    problems = summary["comparison"]["problems"]
    print("restore:", summary["restore"])
    print(json.dumps({k: v for k, v in summary["comparison"].items() if k != "problems"}))
    for problem in problems[:50]:
        print("LOST:", problem)
    print(f"written to {out}")
    print("nothing lost" if not problems else f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

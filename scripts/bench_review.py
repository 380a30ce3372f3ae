"""Benchmark the review workbench's pages (issue 21): the queue's first page, a review
page, the planning page and a reviewer's 30-day list, at scale.

    .venv/bin/python scripts/bench_review.py --topics 10000   (make bench-review N=10000)

Builds a throwaway SQLite site (the seed corpus approved, then N synthetic topics loaded
and approved as `make bench-scale` does), puts 500 Russian versions in the queue, and
renders each page 20 times through Django's test client as the demo reviewer: prints
p50 and max in milliseconds and the number of queries. Target: each page under 200 ms
(p50), with the same number of queries as on the seed corpus (tests pin the counts).
The exit status is 1 when a target is missed. Not run by CI: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_MS = 200
RUNS = 20
QUEUED = 500


CLONE_SUFFIX = "-clone-"


def clone_to(topics: int) -> None:
    """Grow the review tables to `topics` topics by copying, in SQL, the language versions
    and live snapshots of the topics built through the workflow (payloads included, so
    rows are as wide as real ones), then re-spread the due dates as
    `spread_review_dates` does. For when building N topics through the workflow takes
    longer than there is: the queue and planning pages read only these tables; the
    review page reads one real topic. The copies have no editable rows or search
    entries; the report says so."""
    from django.db import connection, transaction

    from reviews import planning
    from reviews.models import LanguageVersion, PublishedVersion

    real = LanguageVersion.objects.filter(kind="topic", language="en").exclude(
        key__contains=CLONE_SUFFIX
    )
    have = LanguageVersion.objects.filter(kind="topic", language="en").count()
    copies = (topics - have) // max(1, real.count())
    if copies <= 0:
        return
    started = time.perf_counter()
    lv = [f.column for f in LanguageVersion._meta.concrete_fields if f.column != "id"]
    pv = [f.column for f in PublishedVersion._meta.concrete_fields if f.column != "id"]
    number = "n.i" if connection.vendor == "sqlite" else "n.i::text"
    key = f"key || '{CLONE_SUFFIX}' || {number}"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_numbers (i integer)")
        cursor.executemany("INSERT INTO bench_numbers VALUES (%s)", [(i,) for i in range(copies)])
        for table, columns, where in (
            ("reviews_languageversion", lv, "kind = 'topic'"),
            ("reviews_publishedversion", pv, "kind = 'topic' AND is_current"),
        ):
            chosen = ", ".join(key if c == "key" else c for c in columns)
            # The model's own table and column names, no outside input.
            sql = (
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {chosen} "  # noqa: S608
                f"FROM {table} CROSS JOIN bench_numbers n WHERE {where} "
                f"AND key NOT LIKE '%%{CLONE_SUFFIX}%%'"
            )
            cursor.execute(sql)
        cursor.execute("DROP TABLE bench_numbers")
    planning.respread()
    planning.refresh_review_due()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"copied {copies} x {real.count()} topics' review rows in SQL "
          f"({time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip


def measure() -> int:
    """Inside the site's environment: queue some work, then time the pages."""
    import django

    django.setup()
    if os.environ.get("BENCH_CLONE_TO"):
        clone_to(int(os.environ["BENCH_CLONE_TO"]))
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from articles.models import Article
    from reviews import workflow
    from reviews.models import LanguageVersion, PublishedVersion

    translator = get_user_model().objects.get(username="translator")
    reviewer = get_user_model().objects.get(username="reviewer")
    articles = list(Article.objects.order_by("pk")[:QUEUED])
    queued = [workflow.version_for(a, "ru") for a in articles]
    if any(version.status != version.Status.SUBMITTED for version in queued):  # kept sites
        for article in articles:
            Article.objects.filter(pk=article.pk).update(title_ru=f"{article.title_ru} (правка)")
        workflow.record_edits_many(list(Article.objects.filter(pk__in=[a.pk for a in articles])),
                                   by=translator)  # fmt: skip
        workflow.submit_many(queued, by=translator)
    version = workflow.version_for(articles[-1], "ru")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reviewer)
    pages = {
        "queue (mine, page 1)": reverse("admin:reviews_languageversion_queue"),
        "queue (all, page 5)": reverse("admin:reviews_languageversion_queue") + "?status=&page=5",
        "review page": reverse("admin:reviews_languageversion_review", args=[version.pk]),
        "planning": reverse("admin:reviews_languageversion_planning"),
        "my 30 days": reverse("admin:reviews_languageversion_my_due"),
        "admin home": reverse("admin:index"),
    }
    topic_versions = LanguageVersion.objects.filter(kind="topic")
    print(f"{Article.objects.count()} topics built through the workflow; "
          f"{topic_versions.count()} topic language versions, "
          f"{PublishedVersion.objects.live().count()} live snapshots "
          f"(copies included); {len(articles)} Russian versions submitted")  # fmt: skip
    print(f"load average {' '.join(f'{n:.1f}' for n in os.getloadavg())} "
          f"on {os.cpu_count()} cores; {connection.vendor}")  # fmt: skip
    print(f"{'page':<24}{'p50 ms':>8}{'max ms':>8}{'CPU ms':>8}{'queries':>9}")
    missed = 0
    database_cpu = database_cpu_reader(connection)
    for name, url in pages.items():
        client.get(url)  # warm
        times, cpu = [], []
        for _ in range(RUNS):
            started, used, used_by_db = time.perf_counter(), time.process_time(), database_cpu()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000 + database_cpu() - used_by_db)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        p50 = statistics.median(times)
        flag = "" if p50 < TARGET_MS else "  MISSED"
        missed += bool(flag)
        print(f"{name:<24}{p50:>8.0f}{max(times):>8.0f}{statistics.mean(cpu):>8.0f}"
              f"{len(queries):>9}{flag}", flush=True)  # fmt: skip
    from django.db import transaction

    class Undone(Exception):
        pass

    try:
        with transaction.atomic():  # a kept site stays as it was
            missed += digest_run()
            raise Undone
    except Undone:
        pass
    return 1 if missed else 0


def database_cpu_reader(connection):
    """A function giving the CPU milliseconds the database server has spent for this
    connection so far: PostgreSQL's backend process on this machine (/proc), or 0 where
    the database runs inside this process (SQLite: counted in the process's own time).
    On a shared machine the CPU time (this process's and its backend's, mean of the runs)
    is the figure that does not grow with the other users' load; the wall time does."""
    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / tick  # utime, stime

    return read


DIGEST_PEOPLE = 1000
DIGEST_TARGET_S = 60


def digest_run() -> int:
    """A daily digest to 1,000 people, through a real SMTP server on loopback."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from reviews import notifications
    from reviews.models import Notification
    from staff.models import StaffProfile
    from tests.support.smtp import SMTPServer

    people = get_user_model().objects.bulk_create(
        get_user_model()(username=f"digest-{n}", email=f"digest-{n}@example.org", is_staff=True)
        for n in range(DIGEST_PEOPLE)
    )
    people = list(get_user_model().objects.filter(username__startswith="digest-"))
    StaffProfile.objects.bulk_create(
        StaffProfile(user=person, mail=StaffProfile.Mail.DIGEST) for person in people
    )
    Notification.objects.bulk_create(
        Notification(recipient=person, event=event, kind="topic", key="leg-cramps", language="ru")
        for person in people
        for event in (Notification.Event.SUBMITTED, Notification.Event.REVIEW_DUE)
    )
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
        started = time.perf_counter()
        sent = notifications.send_digests()
        elapsed = time.perf_counter() - started
        received = len(server.messages)
    flag = "" if elapsed < DIGEST_TARGET_S and received >= DIGEST_PEOPLE else "  MISSED"
    print(f"digest to {DIGEST_PEOPLE} people: {sent} sent, {received} received, "
          f"{elapsed:.1f} s{flag}")  # fmt: skip
    return 1 if flag else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topics", type=int, default=0, help="synthetic topics to add")
    parser.add_argument(
        "--clone-to",
        type=int,
        default=0,
        help="grow the review tables to this many topics by copying rows in SQL (clone_to)",
    )
    parser.add_argument(
        "--site",
        type=Path,
        help="keep the built site in this folder and reuse it when it is there (the "
        "measurement itself is rolled back, so runs can repeat on one corpus)",
    )
    arguments = parser.parse_args()
    if arguments.clone_to:
        os.environ["BENCH_CLONE_TO"] = str(arguments.clone_to)
    if arguments.site:
        arguments.site.mkdir(parents=True, exist_ok=True)
        return run(arguments.site, arguments.topics)
    with tempfile.TemporaryDirectory() as tmp:
        return run(Path(tmp), arguments.topics)


def run(work: Path, topics: int) -> int:
    """Build the site in `work` unless it was built there before, then measure it.
    With DATABASE_URL naming PostgreSQL (scripts/with-services), the site's database is a
    new database `bench_review` in that cluster (kept with --site)."""
    from tests.support.serving import ROOT, manage, prepare_site, site_env

    extra = {"DJANGO_LOG_LEVEL": "WARNING"}
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        extra["DATABASE_URL"] = postgres_database(os.environ["DATABASE_URL"], "bench_review")
    env = site_env(work, ROOT / "locale", **extra)
    built = work / "built"
    if not built.exists():
        prepare_site(env)
        if topics:
            started = time.monotonic()
            manage(env, "build_synthetic_corpus", str(topics), timeout=7200)
            print(f"built {topics} topics in {time.monotonic() - started:.0f} s", flush=True)
        built.write_text(f"{topics}\n")
    else:
        manage(env, "migrate", "--noinput", "-v0")  # a kept site follows new migrations
    return subprocess.run(
        [sys.executable, __file__, "--inside"], cwd=ROOT, env=env, check=False
    ).returncode


def postgres_database(url: str, name: str) -> str:
    """`url` with the database `name`, created in its cluster when missing."""
    import urllib.parse

    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


if __name__ == "__main__":
    if "--inside" in sys.argv:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.support.server_settings")
        sys.exit(measure())
    sys.exit(main())

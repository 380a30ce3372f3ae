"""Many topics for measuring scale (`make bench-scale N=10000`): copies of the seed topics
under new slugs, loaded and approved as `load_content` and `seed_demo` do, in batches.

Local use only (it approves as the demo reviewer, like seed_demo): run `seed_demo`
first. Each batch is one transaction (the workflow's own transactions become savepoints
in it), so memory stays bounded and SQLite syncs once per batch, not once per approval.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.loader import LoadReport, read_content, write_topic
from articles.models import Article
from reviews import statistics, workflow
from reviews.content_files import content_files_author
from reviews.management.commands.seed_demo import DEMO_USERS, approve_loaded
from reviews.registry import registry


class Command(BaseCommand):
    help = "Load and approve N copies of the seed topics under new slugs (local use only)."

    def add_arguments(self, parser):
        parser.add_argument("topics", type=int, help="how many topics to add")
        parser.add_argument("--batch", type=int, default=200, help="topics per transaction")

    def handle(self, *args, topics: int, batch: int, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("build_synthetic_corpus approves as the demo reviewer: not here.")
        users = {user.username: user for user in get_user_model().objects.filter(
            username__in=DEMO_USERS)}  # fmt: skip
        if "reviewer" not in users:
            raise CommandError("Run seed_demo first: the demo reviewer approves the copies.")
        seeds = sorted(read_content(settings.CONTENT_DIR).topics.items())
        adapter = registry["topic"]
        author = content_files_author()  # as load_content credits text from files
        existing = Article.objects.count()  # run again, it adds more under new slugs
        started = time.monotonic()
        approved = 0
        for first in range(0, topics, batch):
            numbers = range(first, min(first + batch, topics))
            with transaction.atomic():
                report = LoadReport()
                for number in numbers:
                    slug, entry = seeds[number % len(seeds)]
                    write_topic(f"{slug}-{existing + number + 1:05}", entry, report)
                workflow.record_edits_many(report.written, by=author)
                written = adapter.objects().filter(slug__in=[obj.slug for obj in report.written])
                approved += approve_loaded(list(written), users)
            elapsed = time.monotonic() - started
            done = numbers.stop
            self.stdout.write(
                f"{done}/{topics} topics, {approved} language versions approved, "
                f"{elapsed:.0f} s ({done / elapsed:.0f} topics/s)"
            )
            self.stdout.flush()
        statistics.refresh_after_bulk_write()  # plans from fresh statistics at once
        self.stdout.write(f"done in {time.monotonic() - started:.1f} s")

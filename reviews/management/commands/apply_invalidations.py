"""Apply the cache invalidations still pending (reviews.publication): run by a scheduler
every minute (deploy: a systemd timer or cron), and by hand after a cache outage.

Each approval and withdrawal applies its own invalidation as soon as it commits; this
command retries those that failed (the page cache or an HTTP cache in front was down),
and deletes applied ones older than INVALIDATIONS_KEPT_DAYS. Exit status 1 while any is
still pending, so the scheduler's log shows it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reviews import publication


class Command(BaseCommand):
    help = "Apply pending cache invalidations to the page cache and the HTTP caches in front."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all-pages",
            action="store_true",
            help="also invalidate every cached page (after restoring a backup, for example)",
        )

    def handle(self, *args, all_pages: bool = False, **options):
        if all_pages:
            publication.changed(kind="operator", key="all", tags=[publication.ALL_PAGES])
        pending = publication.apply()
        if all_pages and not pending:
            # After a restore the outbox may number below what the cache has seen.
            publication.reset_seen()
        pruned = publication.prune(days=settings.INVALIDATIONS_KEPT_DAYS)
        if options["verbosity"] > 0:
            self.stdout.write(f"Pending invalidations: {pending}; old ones deleted: {pruned}")
        if pending:
            raise CommandError(f"{pending} invalidation(s) still pending; see the log.")

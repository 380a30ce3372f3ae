"""Re-plan the next review dates of live versions evenly over the review interval
(reviews.planning.respread): for rows planned before due dates were spread, e.g. a
corpus approved in a few batches that all fall due on one day."""

from django.core.management.base import BaseCommand
from django.db import transaction

from reviews import planning, publication


class Command(BaseCommand):
    help = "Spread the next review dates of live versions evenly over the review interval."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would move; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        moved = planning.respread(dry_run=dry_run)
        if moved and not dry_run:
            # Public pages print the next review date: they show the new one.
            transaction.on_commit(lambda: publication.changed(kind="*", key="*"))
        for language, count in sorted(moved.items()):
            verb = "would move" if dry_run else "moved"
            self.stdout.write(f"{language}: {verb} {count} review dates")

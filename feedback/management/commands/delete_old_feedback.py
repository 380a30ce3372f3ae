"""Delete reader feedback older than the retention period (feedback.models.RETENTION_DAYS,
stated in the README). Run daily by deploy/systemd/healthsite-housekeeping.service."""

from django.core.management.base import BaseCommand

from feedback.models import RETENTION_DAYS, ReaderFeedback


class Command(BaseCommand):
    help = f"Delete readers' answers to 'Is this page useful?' older than {RETENTION_DAYS} days."

    def handle(self, *args, **options):
        deleted, _by_model = ReaderFeedback.objects.expired().delete()
        self.stdout.write(
            f"Deleted {deleted} reader feedback answer(s) older than {RETENTION_DAYS} days."
        )

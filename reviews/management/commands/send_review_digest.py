"""The daily run of review notices (reviews.notifications): record the reviews falling
due within 30 days, then send each person who chose the digest one message of their
unsent notices, and retry immediate notices whose sending failed.

Run it once a day from a scheduler (README, "Review notices"), e.g. cron:
    15 6 * * *  cd /srv/healthsite && .venv/bin/python manage.py send_review_digest
and with --retry every 10 minutes: immediate notices that the mail server did not take
when their action committed (down or slow), left unsent for 5 minutes, are sent again.
"""

from django.core.management.base import BaseCommand

from reviews import notifications


class Command(BaseCommand):
    help = "Send the daily digest of review notices (and reviews due within 30 days)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry",
            action="store_true",
            help="only retry immediate notices left unsent for 5 minutes (no digest)",
        )

    def handle(self, *args, retry: bool = False, **options):
        if retry:
            sent = notifications.retry_immediate()
            self.stdout.write(f"{sent} immediate notices sent again")
            return
        discarded = notifications.discard_for_inactive()
        due = notifications.queue_due_reviews()
        sent = notifications.send_digests()
        self.stdout.write(
            f"{due} review-due notices recorded, {sent} messages sent, "
            f"{discarded} notices of inactive accounts dropped"
        )

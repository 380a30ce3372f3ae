import json

from django.core.management.base import BaseCommand

from reviews.coverage import coverage


class Command(BaseCommand):
    help = "Translation coverage per language: interface strings and topics."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args, json_output=False, **options):
        rows = coverage()
        if options.get("json"):
            self.stdout.write(json.dumps([row.as_dict() for row in rows], indent=2))
            return
        header = (
            f"{'language':<10} {'strings':>11} {'topics':>7} {'translated':>10} "
            f"{'submitted':>9} {'approved':>8} {'outdated':>8} {'missing':>7}"
        )
        self.stdout.write(header)
        for row in rows:
            strings = (
                f"{row.strings_translated}/{row.strings_total}" if row.strings_total else "source"
            )
            self.stdout.write(
                f"{row.code:<10} {strings:>11} {row.topics_total:>7} {row.translated:>10} "
                f"{row.submitted:>9} {row.approved:>8} {row.outdated:>8} {row.missing:>7}"
            )

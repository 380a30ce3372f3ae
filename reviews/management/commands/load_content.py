import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.loader import LOAD_BATCH, ContentError, check_files
from reviews.content_files import conflict_message, load_content
from reviews.workflow import WorkflowError


class Command(BaseCommand):
    help = (
        "Import topics, body regions and site notices from the content folder "
        "(content/ by default). Nothing is written unless every file is valid. Changed "
        "text goes back to draft in the languages it touched; what was approved stays live."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=None, help="content folder or topic file")
        parser.add_argument(
            "--check", action="store_true", help="only check the files; write nothing"
        )
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="who wrote the changes (required outside local demo setups); that person "
            "cannot approve them",
        )
        parser.add_argument(
            "--skip-content-rules",
            action="store_true",
            help="do not run the content rules on the topics written (large loads)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="overwrite text changed in the admin since the last load (each overwrite "
            "is recorded in the audit log); without it such topics are refused",
        )

    def handle(
        self,
        *args,
        path=None,
        check=False,
        by=None,
        skip_content_rules=False,
        force=False,
        **options,
    ):
        path = Path(path) if path else Path(settings.CONTENT_DIR)
        try:
            if check:
                regions, notices, topics = check_files(path)
                self.stdout.write(
                    f"OK: {regions} regions, {notices} notices, {topics} topics, no problems."
                )
                return
            report = load_content(
                path,
                by=self._author(by),
                progress=self._progress(),
                content_rules=not skip_content_rules,
                force=force,
            )
        except WorkflowError as error:
            raise CommandError(str(error)) from None
        except ContentError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(error.problems)} problem(s) in the content files; nothing was written."
            ) from None
        self._report(report)

    def _author(self, by):
        """The active user named by --by, or None when there is none."""
        if not by:
            return None
        author = get_user_model().objects.filter(username=by, is_active=True).first()
        if author is None:
            raise CommandError(f"No active user {by!r}.")
        return author

    def _progress(self):
        """A progress callback: how far a large folder is, on stderr."""
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if total > LOAD_BATCH:  # a large folder: say how far it is
                elapsed = time.monotonic() - started
                self.stderr.write(
                    f"{done}/{total} topic files checked and written, {elapsed:.0f} s"
                )

        return progress

    def _report(self, report) -> None:
        """What was created, updated and found; an error for the entries not loaded."""
        for label in report.created:
            self.stdout.write(f"created   {label}")
        for label in report.updated:
            self.stdout.write(f"updated   {label}")
        for finding in report.findings:
            self.stdout.write(f"content rule: {finding}")
        self.stdout.write(
            f"{len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged."
        )
        if report.findings:
            self.stdout.write(
                f"{len(report.findings)} content rule finding(s): listed above and on each "
                "version's review page; blocking ones need a reason to approve."
            )
        if report.conflicts:
            for label, obj, fields in report.conflicts:
                self.stderr.write(conflict_message(label, obj, fields))
            raise CommandError(
                f"{len(report.conflicts)} entr(ies) changed in the admin were not loaded; "
                "the rest was loaded."
            )

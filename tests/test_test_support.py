"""The suite's own shortcuts give tests the same database the workflow would."""

import pytest
from django.db import transaction

from tests.support import replay
from tests.support.published import build_site, make_reviewer, publish_topic


def _site_and_topic():
    reviewer = make_reviewer()
    build_site(reviewer)
    publish_topic("replayed", reviewer=reviewer, title="Nocturnal wobbles")
    return reviewer.pk


@pytest.mark.django_db
def test_a_replayed_build_writes_the_rows_the_workflow_wrote():
    """tests/support/replay.py: the second build from the same state writes the rows of
    the first one (search entries and their full-text rows included) instead of running
    the workflow again."""
    from reviews.models import PublishedVersion
    from search.queries import search

    name = "replay-test-site"
    tables = replay._tables()
    with transaction.atomic():
        first = replay.built(name, _site_and_topic)
        built_rows = replay._rows(tables)
        transaction.set_rollback(True)
    assert PublishedVersion.objects.count() == 0

    with transaction.atomic():
        second = replay.built(name, lambda: pytest.fail("the workflow ran again"))
        assert second == first
        assert replay._rows(tables) == built_rows
        # The full-text index is not a model's table: it is filled as the rows are written.
        found = search(["wobbles"], kind="topic", language="en", fallback=None, limit=5, offset=0)
        assert [row.key for row in found] == ["replayed"]
        transaction.set_rollback(True)

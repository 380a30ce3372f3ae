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


def _counting_prepare(monkeypatch, seconds: float = 0.0) -> list[bool]:
    """tests.support.serving.prepare_site replaced by one that records each preparation
    (whether it found a database already there) and writes what a real one would leave
    in the template."""
    import time
    from pathlib import Path

    from tests.support import serving

    prepared: list[bool] = []

    def prepare(env):
        database = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
        prepared.append(database.exists())
        time.sleep(seconds)  # long enough for a second session to arrive meanwhile
        database.write_text("prepared")
        Path(env["TEST_STATIC_ROOT"]).mkdir()

    monkeypatch.setattr(serving, "prepare_site", prepare)
    return prepared


def test_sessions_sharing_a_prepared_site_prepare_it_once(tmp_path, monkeypatch):
    """CI's SQLite, PostgreSQL and browser runs (TESTS_PREPARED_SITE, .ci/run) start
    together: the first to need the site prepares it, the others wait and copy it."""
    import threading

    from tests.support.serving import PreparedSite

    prepared = _counting_prepare(monkeypatch, seconds=0.3)
    sessions = [PreparedSite(tmp_path / "shared", shared=True) for _ in range(3)]
    threads = [threading.Thread(target=session._prepared) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(prepared) == 1
    assert (tmp_path / "shared" / "db.sqlite3").read_text() == "prepared"
    PreparedSite(tmp_path / "shared", shared=True)._prepared()  # a later session
    assert len(prepared) == 1


def test_a_shared_site_left_half_prepared_is_prepared_again(tmp_path, monkeypatch):
    """A session that failed while preparing leaves no mark of being done: the next one
    starts from nothing (its half-written database and static files gone)."""
    from tests.support.serving import PreparedSite

    prepared = _counting_prepare(monkeypatch)
    template = tmp_path / "shared"
    (template / "static").mkdir(parents=True)
    (template / "static" / "half.css").write_text("")
    (template / "db.sqlite3").write_text("half")
    PreparedSite(template, shared=True)._prepared()
    assert prepared == [False]  # migrated from nothing, not on top of the half
    assert (template / "db.sqlite3").read_text() == "prepared"
    assert not (template / "static" / "half.css").exists()

"""Approve, request changes and withdraw of one item serialize on one lock (issue 10, 6).

Real concurrent connections on PostgreSQL: each interleaving is forced by holding one
action inside its transaction (after it took the item's locks) while the other starts."""

import threading
import time

import pytest
from django.db import connection

from articles.models import Article
from public.readers import alphabetical as alphabetical_reader
from reviews import approval, batch, withdrawal, workflow
from reviews.models import PublishedVersion, TitleOrder
from staff import roles

from .support.factories import make_topic, make_user, publish

# serialized_rollback: the role groups come from a data migration; keep them for each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ALL = ["en", "ru", "es", "ar"]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks across connections: runs in the PostgreSQL pass of CI")


def in_thread(function, results, name):
    def run():
        try:
            results[name] = function()
        except workflow.WorkflowError as error:
            results[name] = error
        except Exception as error:  # anything else would be a 500 in the admin
            results[name] = ("crash", error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def hold_inside(monkeypatch, module, name):
    """Make `module.name` wait, once, until released: the caller is then inside its
    transaction, holding the item's locks. Returns (entered, release) events."""
    original = getattr(module, name)
    entered, release = threading.Event(), threading.Event()

    def held(*args, **kwargs):
        if not entered.is_set():
            entered.set()
            assert release.wait(15)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    return entered, release


def topic_with_spanish_waiting():
    article = make_topic()
    reviewer = make_user(roles.REVIEWERS, languages=ALL)
    publish(article, ["en", "ru"], reviewer=reviewer)
    translator = make_user(roles.TRANSLATORS, languages=["es"])
    version = workflow.submit(workflow.version_for(article, "es"), by=translator)
    return article, version


def test_a_withdrawal_during_an_approval_leaves_nothing_live(monkeypatch):
    article, version = topic_with_spanish_waiting()
    approver, withdrawer = (make_user(roles.REVIEWERS, languages=ALL) for _ in range(2))
    shown = workflow.as_shown(version)
    # Held inside approve, after it took the item's locks (it reads the live versions).
    entered, release = hold_inside(monkeypatch, batch, "live_versions")
    results = {}
    first = in_thread(
        lambda: workflow.approve(version, reviewer=approver, shown=shown), results, "approve"
    )
    assert entered.wait(15)  # the approval holds the item's locks
    second = in_thread(
        lambda: workflow.withdraw("topic", article.slug, by=withdrawer, reason="Recall"),
        results,
        "withdraw",
    )
    time.sleep(0.5)
    assert second.is_alive()  # the withdrawal waits for the approval's lock
    release.set()
    first.join(20)
    second.join(20)

    assert isinstance(results["approve"], PublishedVersion)
    assert results["withdraw"] == 3  # en, ru and the Spanish approved just before
    assert not PublishedVersion.objects.live().filter(key=article.slug).exists()


def test_an_approval_during_a_withdrawal_is_refused_cleanly(monkeypatch):
    article, version = topic_with_spanish_waiting()
    approver, withdrawer = (make_user(roles.REVIEWERS, languages=ALL) for _ in range(2))
    shown = workflow.as_shown(version)
    entered, release = hold_inside(monkeypatch, withdrawal, "withdrawal_effects")
    results = {}
    first = in_thread(
        lambda: workflow.withdraw("topic", article.slug, by=withdrawer, reason="Recall"),
        results,
        "withdraw",
    )
    assert entered.wait(15)
    second = in_thread(
        lambda: workflow.approve(version, reviewer=approver, shown=shown), results, "approve"
    )
    time.sleep(0.5)
    assert second.is_alive()
    release.set()
    first.join(20)
    second.join(20)

    assert results["withdraw"] == 2
    assert isinstance(results["approve"], workflow.WorkflowError)  # a message, not a crash
    assert "withdrawn" in str(results["approve"])
    assert not PublishedVersion.objects.live().filter(key=article.slug).exists()


def test_approve_and_request_changes_at_once_give_one_outcome_and_no_error():
    article, version = topic_with_spanish_waiting()
    reviewers = [make_user(roles.REVIEWERS, languages=ALL) for _ in range(2)]
    shown = workflow.as_shown(version)
    barrier = threading.Barrier(2)
    results = {}

    def approving():
        barrier.wait()
        return workflow.approve(version, reviewer=reviewers[0], shown=shown)

    def sending_back():
        barrier.wait()
        return workflow.request_changes(version, reviewer=reviewers[1], comment="No")

    threads = [
        in_thread(approving, results, "approve"),
        in_thread(sending_back, results, "request_changes"),
    ]
    for thread in threads:
        thread.join(20)
    crashes = [value for value in results.values() if isinstance(value, tuple)]
    assert crashes == []
    errors = [value for value in results.values() if isinstance(value, workflow.WorkflowError)]
    assert len(errors) == 1  # exactly one of them won
    live_spanish = PublishedVersion.objects.live("es").filter(key=article.slug).exists()
    assert live_spanish == isinstance(results["approve"], PublishedVersion)


def test_many_concurrent_approvals_and_withdrawals_keep_the_promise():
    """Repeated, unforced interleavings: whenever the withdrawal reports success, nothing
    of the topic is live afterwards; nothing crashes or deadlocks."""
    for _attempt in range(4):
        article, version = topic_with_spanish_waiting()
        approver, withdrawer = (make_user(roles.REVIEWERS, languages=ALL) for _ in range(2))
        shown = workflow.as_shown(version)
        barrier = threading.Barrier(2)
        results = {}

        def approving(version=version, approver=approver, shown=shown, barrier=barrier):
            barrier.wait()
            return workflow.approve(version, reviewer=approver, shown=shown)

        def withdrawing(article=article, withdrawer=withdrawer, barrier=barrier):
            barrier.wait()
            return workflow.withdraw("topic", article.slug, by=withdrawer, reason="Recall")

        threads = [
            in_thread(approving, results, "approve"),
            in_thread(withdrawing, results, "withdraw"),
        ]
        for thread in threads:
            thread.join(30)
        assert not any(isinstance(value, tuple) for value in results.values()), results
        assert isinstance(results["withdraw"], int)
        assert not PublishedVersion.objects.live().filter(key=article.slug).exists()


def test_the_a_to_z_pages_mending_waits_for_an_approval_writing_places(monkeypatch):
    """The A–Z page makes a missing English place while an approval of the same topic's
    translation, inside its transaction, has written its place: the mending waits for
    it (reviews.shadows.lock_places), so its triggers see the translation's place and
    shadow the English one. Unlocked, the English place stayed shown beside it."""
    reviewer = make_user(roles.REVIEWERS, languages=ALL)
    article = make_topic("apple")
    publish(article, ["en"], reviewer=reviewer)
    TitleOrder.objects.filter(key="apple", language="ru").delete()  # to be mended
    Article.objects.filter(pk=article.pk).update(title_ru="Яблоко")

    original, entered, release = approval.index, threading.Event(), threading.Event()

    def held(published):  # after the approval wrote its places, before it commits
        entered.set()
        assert release.wait(15)
        return original(published)

    monkeypatch.setattr(approval, "index", held)
    results = {}
    approving = in_thread(
        lambda: publish(Article.objects.get(pk=article.pk), ["ru"], reviewer=reviewer),
        results,
        "approve",
    )
    try:
        assert entered.wait(15)
        mending = in_thread(
            lambda: alphabetical_reader.alphabetical_topics("ru", 0, 10), results, "mend"
        )
        time.sleep(0.5)
        waited = mending.is_alive()  # for the approval's places
    finally:
        release.set()
        approving.join(20)
    mending.join(20)

    assert waited
    assert not isinstance(results["mend"], tuple), results["mend"]
    assert TitleOrder.objects.get(key="apple", language="ru", version_language="en").shadowed
    russian = PublishedVersion.objects.get(key="apple", language="ru", is_current=True)
    assert [int(pk) for pk in alphabetical_reader._from_places("ru")[0]] == [russian.pk]

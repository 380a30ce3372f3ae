"""The review promise of DESIGN.md, one test (or more) per promise."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article, ReliefMeasure
from audit.models import AuditEntry
from reviews import workflow
from reviews.models import LanguageVersion, PublishedVersion
from reviews.workflow import WorkflowError
from staff import roles

from .support.factories import approve, make_topic, make_user, publish

pytestmark = pytest.mark.django_db

Status = LanguageVersion.Status


def live(article, language):
    return PublishedVersion.objects.live(language).get(kind="topic", key=article.slug)


def edit(article, *, by=None, **fields):
    Article.objects.filter(pk=article.pk).update(**fields)
    article = Article.objects.get(pk=article.pk)
    workflow.record_edits(article, by=by)
    return article


def submitted(article, language, by=None):
    version = workflow.version_for(article, language)
    author = by or make_user(
        roles.EDITORS if language == "en" else roles.TRANSLATORS, languages=[language]
    )
    return workflow.submit(version, by=author)


# 1. The public sees only approved text, exactly as approved, frozen at approval.


def test_nothing_is_public_before_approval():
    article = make_topic()
    submitted(article, "en")
    assert not PublishedVersion.objects.live().filter(key=article.slug).exists()


def test_approval_freezes_rendered_sanitized_text_with_reviewer_and_dates(settings):
    settings.REVIEW_INTERVAL_DAYS = 30
    article = make_topic()
    edit(article, what_it_is_en="**Cramp** <script>alert(1)</script> [x](javascript:alert(1))")
    reviewer = make_user(roles.REVIEWERS, languages=["en"], credit="Dr A. Name, neurologist")
    published = approve(submitted(article, "en"), reviewer=reviewer)

    html = published.payload["what_it_is_html"]
    assert "<strong>Cramp</strong>" in html
    # Raw HTML and a link to a target other than http(s) or tel: stay as typed text,
    # escaped (tests/test_staff_rendering_keeps_text.py): no element, no live link.
    assert "<script" not in html and "<a" not in html and "href" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert published.reviewer_credit == "Dr A. Name, neurologist"
    assert published.approved_by == reviewer
    assert published.next_review_due == (published.approved_at + timedelta(days=30)).date()
    assert published.english_version is None


# 2. Editing approved content changes nothing public until the new text is approved.


def test_edit_after_approval_leaves_the_approved_version_live():
    article = make_topic(title="Old title")
    publish(article, ["en"])
    editor = make_user(roles.EDITORS)
    article = edit(article, by=editor, title_en="New title")

    assert live(article, "en").payload["title"] == "Old title [en]"
    assert workflow.version_for(article, "en").status == Status.DRAFT

    submitted(article, "en", by=editor)
    assert live(article, "en").payload["title"] == "Old title [en]"

    approve(
        workflow.version_for(article, "en"),
        reviewer=make_user(roles.REVIEWERS, languages=["en"]),
    )
    assert live(article, "en").payload["title"] == "New title"
    assert PublishedVersion.objects.filter(key=article.slug, language="en").count() == 2


def test_text_changed_after_submission_cannot_be_approved():
    article = make_topic()
    version = submitted(article, "en")
    # A write that bypasses record_edits (a script, a migration, raw SQL): the version is
    # still "submitted", so only the fingerprint guard stands between it and the public.
    Article.objects.filter(pk=article.pk).update(title_en="Sneaky change")
    assert workflow.version_for(article, "en").status == Status.SUBMITTED
    with pytest.raises(WorkflowError, match="changed after it was submitted"):
        approve(version, reviewer=make_user(roles.REVIEWERS, languages=["en"]))
    assert not PublishedVersion.objects.live().exists()


# 3. Four eyes; only qualified reviewers; every action in an append-only log.


def test_reviewer_cannot_approve_their_own_edit():
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    article = make_topic()
    edit(article, by=reviewer, title_en="Edited by the reviewer")
    version = submitted(article, "en")
    with pytest.raises(WorkflowError, match="You contributed to this version"):
        approve(version, reviewer=reviewer)
    other = make_user(roles.REVIEWERS, languages=["en"])
    assert approve(version, reviewer=other).payload["title"] == "Edited by the reviewer"


def test_reviewer_cannot_approve_a_language_they_are_not_qualified_for():
    article = make_topic()
    publish(article, ["en"])
    version = submitted(article, "ru")
    spanish_reviewer = make_user(roles.REVIEWERS, languages=["en", "es"])
    with pytest.raises(WorkflowError, match="not qualified to review the Russian"):
        approve(version, reviewer=spanish_reviewer)


def test_translation_is_approved_against_the_live_english_version():
    article = make_topic()
    version = submitted(article, "ru")
    reviewer = make_user(roles.REVIEWERS, languages=["en", "ru"])
    with pytest.raises(WorkflowError, match="Approve the English version first"):
        approve(version, reviewer=reviewer)
    english = publish(article, ["en"])["en"]
    assert approve(version, reviewer=reviewer).english_version == english


def test_incomplete_translation_cannot_be_submitted():
    article = make_topic(languages=["en", "ru"])
    ReliefMeasure.objects.filter(article=article).update(title_ru="")
    with pytest.raises(WorkflowError, match=r"relief\[0\]\.title"):
        submitted(article, "ru")


def test_every_action_is_logged_with_who_language_comment_and_fingerprint():
    article = make_topic()
    editor = make_user(roles.EDITORS)
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    version = submitted(article, "en", by=editor)
    workflow.request_changes(version, reviewer=reviewer, comment="Add a red flag")
    version = workflow.submit(version, by=editor)
    approve(version, reviewer=reviewer, comment="Fine")
    workflow.withdraw("topic", article.slug, by=reviewer, reason="Unsafe advice found")

    entries = list(AuditEntry.objects.order_by("pk"))
    assert [(e.action, e.actor, e.language) for e in entries] == [
        ("submit", editor, "en"),
        ("request_changes", reviewer, "en"),
        ("submit", editor, "en"),
        ("approve", reviewer, "en"),
        ("withdraw", reviewer, "en"),
    ]
    assert entries[1].comment == "Add a red flag"
    assert entries[4].comment == "Unsafe advice found"
    assert all(len(e.fingerprint) == 64 for e in entries)


def test_audit_log_cannot_be_changed_or_deleted():
    article = make_topic()
    submitted(article, "en")
    entry = AuditEntry.objects.get()
    entry.comment = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(comment="rewritten")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().comment == ""


# 4. Re-approving English with changes flags translations approved against the old one.


def test_reapproving_changed_english_flags_translations_outdated():
    article = make_topic()
    reviewer = make_user(roles.REVIEWERS, languages=["en", "ru", "es"])
    publish(article, ["en", "ru", "es"], reviewer=reviewer)
    assert not live(article, "ru").outdated

    edit(article, summary_en="A better summary")
    approve(submitted(article, "en"), reviewer=reviewer)

    assert live(article, "ru").outdated and live(article, "es").outdated
    assert not live(article, "en").outdated

    # A translator catches up: the new Russian version is checked against the new English.
    edit(article, summary_ru="Лучшее описание")
    fresh = approve(submitted(article, "ru"), reviewer=reviewer)
    assert not fresh.outdated
    assert fresh.english_version == live(article, "en")
    assert live(article, "es").outdated


# 5. Withdrawing removes the topic from every public place at once.


def test_withdraw_takes_every_language_down_and_needs_a_reason():
    article = make_topic()
    publish(article)
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    with pytest.raises(WorkflowError, match="reason is required"):
        workflow.withdraw("topic", article.slug, by=reviewer, reason=" ")
    assert PublishedVersion.objects.live().filter(key=article.slug).count() == 4

    assert workflow.withdraw("topic", article.slug, by=reviewer, reason="Recall") == 4

    assert not PublishedVersion.objects.live().filter(key=article.slug).exists()
    assert set(
        LanguageVersion.objects.filter(key=article.slug).values_list("status", flat=True)
    ) == {Status.WITHDRAWN}
    withdrawn = PublishedVersion.objects.filter(key=article.slug, withdrawn_at__isnull=False)
    assert withdrawn.count() == 4


# Approving twice, or at the same time, never publishes twice.


def test_second_approval_of_the_same_version_is_refused():
    article = make_topic()
    version = submitted(article, "en")
    approve(version, reviewer=make_user(roles.REVIEWERS, languages=["en"]))
    with pytest.raises(WorkflowError, match="Only a submitted version"):
        approve(version, reviewer=make_user(roles.REVIEWERS, languages=["en"]))
    assert PublishedVersion.objects.filter(key=article.slug).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_approvals_publish_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks across connections: runs in the PostgreSQL pass of CI")
    article = make_topic()
    version = submitted(article, "en")
    reviewers = [make_user(roles.REVIEWERS, languages=["en"]) for _ in range(4)]
    barrier = threading.Barrier(len(reviewers))
    outcomes = []

    def approve_as(reviewer):
        barrier.wait()
        try:
            approve(version, reviewer=reviewer)
            outcomes.append("approved")
        except WorkflowError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve_as, args=(r,)) for r in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["approved", "refused", "refused", "refused"]
    assert PublishedVersion.objects.filter(key=article.slug).count() == 1
    assert AuditEntry.objects.filter(action="approve").count() == 1


def test_overdue_reviews_are_found_by_the_named_queryset():
    article = make_topic()
    published = publish(article, ["en"])["en"]
    assert not PublishedVersion.objects.overdue().exists()
    PublishedVersion.objects.filter(pk=published.pk).update(
        next_review_due=timezone.localdate() - timedelta(days=1)
    )
    assert list(PublishedVersion.objects.overdue()) == [published]


@pytest.mark.parametrize("measures", [1, 10])
def test_recording_an_edit_costs_the_same_queries_however_big_the_topic(
    measures, django_assert_num_queries
):
    article = make_topic("big-or-small", measures=measures)
    article = Article.objects.get(pk=article.pk)  # as the admin hands it over: no prefetch
    Article.objects.filter(pk=article.pk).update(title_ru="Новое")
    # 1 topic + 6 of its parts (related topics among them), 1 for the language versions,
    # 1 update for the one change.
    with django_assert_num_queries(9):
        assert workflow.record_edits(article, by=None) == ["ru"]


def test_credit_is_frozen_in_the_versions_language_or_marked_as_the_source_language():
    article = make_topic()
    reviewer = make_user(roles.REVIEWERS, languages=["en", "ru", "es"], credit="Dr A. Name")
    reviewer.staff_profile.public_credit_ru = "Д-р А. Имя"
    reviewer.staff_profile.save()
    roles.confirm_credit(reviewer.staff_profile)  # the reviewer confirms their new credit
    published = publish(article, ["en", "ru", "es"], reviewer=reviewer)
    assert (published["ru"].reviewer_credit, published["ru"].reviewer_credit_language) == (
        "Д-р А. Имя",
        "ru",
    )
    # No Spanish credit written: the English one, said to be English.
    assert (published["es"].reviewer_credit, published["es"].reviewer_credit_language) == (
        "Dr A. Name",
        "en",
    )
    assert 'lang="en" dir="ltr">Dr A. Name</span>' in published["es"].reviewer_credit_html

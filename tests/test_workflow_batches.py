"""Batches of the workflow (`submit_many`, `shown_many`, `approve_many`, `record_edits_many`):
what loading and approving thousands of topics goes through (issue 13). A batch checks
each version exactly as a single action does, and it is all or nothing; its cost in
queries does not grow with its size. The single actions are batches of one, so the
review-promise tests in test_workflow.py cover these too."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from audit.models import AuditEntry
from reviews import workflow
from reviews.models import LanguageVersion, PublishedVersion
from reviews.workflow import StaleReview, WorkflowError
from search.models import SearchEntry
from staff import roles

from .support.factories import make_topic, make_user

pytestmark = pytest.mark.django_db

ALL = ["en", "ru", "es", "ar"]


@pytest.fixture
def people():
    return {
        "editor": make_user(roles.EDITORS, languages=["en"]),
        "translator": make_user(roles.TRANSLATORS, languages=["ru", "es", "ar"]),
        "reviewer": make_user(roles.REVIEWERS, languages=ALL),
    }


def topics(count: int) -> list[Article]:
    made = [make_topic(f"batch-{number}") for number in range(count)]
    workflow.record_edits_many(made, by=None)
    return made


def versions(articles, language):
    return [workflow.version_for(article, language) for article in articles]


def publish_english(articles, people):
    waiting = workflow.submit_many(versions(articles, "en"), by=people["editor"])
    return workflow.approve_many(
        list(zip(waiting, workflow.shown_many(waiting), strict=True)),
        reviewer=people["reviewer"],
    )


def test_a_batch_publishes_every_version_with_its_audit_entries_and_search_entries(people):
    articles = topics(3)
    published = publish_english(articles, people)
    assert sorted(p.key for p in published) == ["batch-0", "batch-1", "batch-2"]
    live = PublishedVersion.objects.live("en").filter(key__startswith="batch-")
    assert live.count() == 3
    assert SearchEntry.objects.filter(key__startswith="batch-", language="en").count() == 3
    assert AuditEntry.objects.filter(action="approve", key__startswith="batch-").count() == 3
    assert AuditEntry.objects.filter(action="submit", key__startswith="batch-").count() == 3
    assert set(
        LanguageVersion.objects.filter(key__startswith="batch-", language="en").values_list(
            "status", flat=True
        )
    ) == {LanguageVersion.Status.APPROVED}

    # Translations of several languages go in one batch, beside the English just approved.
    waiting = workflow.submit_many(
        [v for language in ("ru", "es") for v in versions(articles, language)],
        by=people["translator"],
    )
    workflow.approve_many(
        list(zip(waiting, workflow.shown_many(waiting), strict=True)),
        reviewer=people["reviewer"],
    )
    assert PublishedVersion.objects.live().filter(key__startswith="batch-").count() == 9
    ru = PublishedVersion.objects.live("ru").get(key="batch-1")
    assert ru.english_version == PublishedVersion.objects.live("en").get(key="batch-1")


def test_one_refused_version_refuses_the_whole_batch_and_publishes_nothing(people):
    articles = topics(3)
    waiting = workflow.submit_many(versions(articles[:2], "en"), by=people["editor"])
    never_submitted = workflow.version_for(articles[2], "en")
    batch = list(zip(waiting, workflow.shown_many(waiting), strict=True))
    batch.append((never_submitted, workflow.as_shown(never_submitted)))
    with pytest.raises(WorkflowError, match="Only a submitted version can be approved"):
        workflow.approve_many(batch, reviewer=people["reviewer"])
    assert not PublishedVersion.objects.filter(key__startswith="batch-").exists()
    assert not AuditEntry.objects.filter(action="approve").exists()
    assert set(
        LanguageVersion.objects.filter(key__in=["batch-0", "batch-1"], language="en").values_list(
            "status", flat=True
        )
    ) == {LanguageVersion.Status.SUBMITTED}


def test_an_incomplete_version_refuses_the_whole_submission(people):
    articles = topics(2)
    Article.objects.filter(pk=articles[1].pk).update(title_ru="")
    workflow.record_edits(Article.objects.get(pk=articles[1].pk))
    with pytest.raises(WorkflowError, match="not complete"):
        workflow.submit_many(versions(articles, "ru"), by=people["translator"])
    assert not LanguageVersion.objects.filter(status=LanguageVersion.Status.SUBMITTED).exists()


def test_a_text_changed_after_it_was_shown_refuses_the_batch(people):
    articles = topics(2)
    waiting = workflow.submit_many(versions(articles, "en"), by=people["editor"])
    shown = workflow.shown_many(waiting)
    # The first topic is edited and resubmitted between the page and the click.
    Article.objects.filter(pk=articles[0].pk).update(title_en="Changed meanwhile")
    workflow.record_edits(Article.objects.get(pk=articles[0].pk), by=people["editor"])
    workflow.submit(workflow.version_for(articles[0], "en"), by=people["editor"])
    with pytest.raises(StaleReview):
        workflow.approve_many(list(zip(waiting, shown, strict=True)), reviewer=people["reviewer"])
    assert not PublishedVersion.objects.filter(key__startswith="batch-").exists()


def test_four_eyes_hold_in_a_batch(people):
    articles = topics(2)
    Article.objects.filter(pk=articles[1].pk).update(title_en="Written by the reviewer")
    workflow.record_edits(Article.objects.get(pk=articles[1].pk), by=people["reviewer"])
    waiting = workflow.submit_many(versions(articles, "en"), by=people["editor"])
    with pytest.raises(WorkflowError, match="another reviewer must approve"):
        workflow.approve_many(
            list(zip(waiting, workflow.shown_many(waiting), strict=True)),
            reviewer=people["reviewer"],
        )
    assert not PublishedVersion.objects.filter(key__startswith="batch-").exists()


def test_english_and_its_translation_are_never_approved_in_one_batch(people):
    # A translation is checked against the English live when it was shown.
    articles = topics(1)
    english = workflow.submit(versions(articles, "en")[0], by=people["editor"])
    russian = workflow.submit(versions(articles, "ru")[0], by=people["translator"])
    with pytest.raises(WorkflowError, match="Approve the English version first"):
        workflow.approve_many(
            [(english, workflow.as_shown(english)), (russian, workflow.as_shown(russian))],
            reviewer=people["reviewer"],
        )
    assert not PublishedVersion.objects.exists()


def test_a_reviewer_not_qualified_for_one_language_is_refused_for_the_batch(people):
    articles = topics(1)
    publish_english(articles, people)
    waiting = workflow.submit_many(
        [*versions(articles, "ru"), *versions(articles, "ar")], by=people["translator"]
    )
    russian_only = make_user(roles.REVIEWERS, languages=["en", "ru"])
    with pytest.raises(WorkflowError, match="not qualified"):
        workflow.approve_many(
            list(zip(waiting, workflow.shown_many(waiting), strict=True)), reviewer=russian_only
        )
    assert not PublishedVersion.objects.exclude(language="en").exists()


def test_a_batch_costs_the_same_queries_however_many_topics_it_holds(people):
    counts = []
    # The first batch also reads the reviewer's permissions (then cached on the user).
    for count, prefix in ((1, "first"), (2, "small"), (12, "large")):
        made = [make_topic(f"{prefix}-{number}") for number in range(count)]
        workflow.record_edits_many(made, by=None)
        waiting = workflow.submit_many(versions(made, "en"), by=people["editor"])
        shown = workflow.shown_many(waiting)
        with CaptureQueriesContext(connection) as context:
            workflow.approve_many(
                list(zip(waiting, shown, strict=True)), reviewer=people["reviewer"]
            )
        counts.append(len(context.captured_queries))
    assert counts[1] == counts[2], counts


def test_the_synthetic_corpus_command_loads_and_approves_in_batches_with_progress():
    call_command("load_content", verbosity=0)
    call_command("seed_demo", verbosity=0)
    before = PublishedVersion.objects.live().count()
    out = StringIO()
    call_command("build_synthetic_corpus", "5", "--batch", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines[:3]] == ["2/5", "4/5", "5/5"]
    added = PublishedVersion.objects.live().count() - before
    # Copies of seed topics in every language the seed topic has.
    copies = Article.objects.filter(slug__regex=r"-\d{5}$")
    assert copies.count() == 5
    assert added == sum(
        PublishedVersion.objects.live().filter(key=copy.slug.rsplit("-", 1)[0]).count()
        for copy in copies
    )

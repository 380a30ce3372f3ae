"""Planned review dates (issue 21): an approved batch falls due evenly over the review
interval, `spread_review_dates` spreads rows that fall due on one day, and the queue's
due dates follow approval, respreading and withdrawal. Each test counts every live row,
so each starts from an empty site (the workbench's tests share a live topic:
tests/test_review_workbench.py)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from reviews import workflow
from reviews.models import LanguageVersion, PublishedVersion
from staff import roles

from .support.factories import LANGUAGES, make_topic, make_user, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return {
        "reviewer": make_user(roles.REVIEWERS, languages=LANGUAGES),
        "editor": make_user(roles.EDITORS),
    }


def due_dates_of(article) -> dict[str, object]:
    versions = LanguageVersion.objects.filter(key=article.slug)
    return dict(versions.values_list("language", "review_due"))


def test_a_batch_falls_due_evenly_over_the_interval_and_one_approval_a_full_interval_later(
    settings, team
):
    settings.REVIEW_INTERVAL_DAYS = 5
    articles = [make_topic(title=f"Topic {number}", languages=["en"]) for number in range(10)]
    versions = workflow.submit_many(
        [workflow.version_for(article, "en") for article in articles], by=team["editor"]
    )
    workflow.approve_many(
        list(zip(versions, workflow.shown_many(versions), strict=True)), reviewer=team["reviewer"]
    )
    today = timezone.localdate()
    dues = sorted(PublishedVersion.objects.live("en").values_list("next_review_due", flat=True))
    # 10 versions over 5 days: two a day, the last day first, none later than the interval.
    assert dues == sorted(today + timedelta(days=day) for day in (1, 2, 3, 4, 5) for _ in "ab")
    single = make_topic(title="Alone", languages=["en"])
    publish(single, ["en"], reviewer=team["reviewer"])
    due = PublishedVersion.objects.live("en").get(key=single.slug).next_review_due
    assert due == today + timedelta(days=5)  # 11 live: room for 3 a day; day 5 had 2
    following = make_topic(title="Next", languages=["en"])
    publish(following, ["en"], reviewer=team["reviewer"])
    due = PublishedVersion.objects.live("en").get(key=following.slug).next_review_due
    assert due == today + timedelta(days=4)  # day 5 full


def test_the_command_respreads_rows_that_fall_due_on_one_day(settings, team):
    settings.REVIEW_INTERVAL_DAYS = 4
    today = timezone.localdate()
    for number in range(8):
        publish(make_topic(title=f"Topic {number}", languages=["en"]), ["en"],
                reviewer=team["reviewer"])  # fmt: skip
    PublishedVersion.objects.live().update(next_review_due=today + timedelta(days=4))
    call_command("spread_review_dates", verbosity=0)
    dues = sorted(PublishedVersion.objects.live("en").values_list("next_review_due", flat=True))
    assert dues == sorted(today + timedelta(days=day) for day in (1, 2, 3, 4) for _ in "ab")
    assert max(dues) <= today + timedelta(days=4)


def test_the_queues_due_dates_follow_approval_respreading_and_withdrawal(settings, team):
    settings.REVIEW_INTERVAL_DAYS = 4
    today = timezone.localdate()
    article = make_topic(title="Night cramps")
    publish(article, ["en", "ru"], reviewer=team["reviewer"])
    live = dict(PublishedVersion.objects.live().filter(key=article.slug).values_list(
        "language", "next_review_due"))  # fmt: skip
    assert due_dates_of(article) == {**live, "es": None, "ar": None}
    for number in range(3):
        publish(make_topic(title=f"Topic {number}", languages=["en"]), ["en"],
                reviewer=team["reviewer"])  # fmt: skip
    PublishedVersion.objects.live().update(next_review_due=today + timedelta(days=4))
    call_command("spread_review_dates", verbosity=0)
    for version in LanguageVersion.objects.filter(language="en"):
        assert version.review_due == PublishedVersion.objects.live("en").get(
            key=version.key).next_review_due  # fmt: skip
    english = LanguageVersion.objects.filter(language="en")
    dues = sorted(english.values_list("review_due", flat=True))
    assert dues == [today + timedelta(days=day) for day in (1, 2, 3, 4)]
    workflow.withdraw("topic", article.slug, by=team["reviewer"], reason="Superseded")
    assert set(due_dates_of(article).values()) == {None}

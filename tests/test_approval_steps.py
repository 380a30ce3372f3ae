"""Each named step of approval (reviews/approval.py), called directly. The promise tests
(test_workflow.py, test_workflow_batches.py, test_review_integrity.py) test them
together through `approve_many`."""

from datetime import UTC, datetime, timedelta

import pytest

from audit.models import AuditEntry
from reviews import approval, batch, publication, workflow
from reviews.models import LanguageVersion, Placement, PublishedVersion
from search.models import SearchEntry
from staff import roles

from .support.factories import LANGUAGES, make_region, make_topic, make_user, publish

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def reviewer():
    return make_user(roles.REVIEWERS, languages=LANGUAGES, credit="Dr Step Reviewer")


def submitted(obj, language="en"):
    author = make_user(roles.EDITORS if language == "en" else roles.TRANSLATORS,
                       languages=[language])  # fmt: skip
    return workflow.submit(workflow.version_for(obj, language), by=author)


def checked(version, reviewer):
    items = {(version.kind, version.key): {version.language}}
    loaded = batch.Loaded(items)
    return approval.check_approvable(
        batch.lock_items(items)[(version.kind, version.key, version.language)],
        workflow.as_shown(version),
        loaded,
        set(),
    )


def frozen(result, reviewer, now=NOW):
    due = now.date().replace(year=now.year + 1)
    return approval.freeze(result, reviewer=reviewer, credit=("Dr F", "en"), now=now, due=due)


# -- checks -----------------------------------------------------------------------------


def test_reviewer_credits_name_each_language_once_and_refuse_a_missing_credit(reviewer):
    topic = make_topic("credit-topic")
    versions = [workflow.version_for(topic, code) for code in ("en", "en", "ru")]
    credits = approval.reviewer_credits(versions, reviewer)
    assert credits == {"en": ("Dr Step Reviewer", "en"), "ru": ("Dr Step Reviewer", "en")}
    uncredited = make_user(roles.REVIEWERS, languages=LANGUAGES)
    uncredited.staff_profile.public_credit_en = "Set by someone else"  # not confirmed
    uncredited.staff_profile.save()
    with pytest.raises(workflow.WorkflowError, match="public credit"):
        approval.reviewer_credits(versions, uncredited)
    with pytest.raises(workflow.WorkflowError, match="not qualified"):
        approval.reviewer_credits(versions, make_user(roles.REVIEWERS, languages=["es"]))


def test_english_first_refuses_english_with_its_translations_in_one_batch():
    topic = make_topic("english-first")
    en, ru = (workflow.version_for(topic, code) for code in ("en", "ru"))
    assert approval.english_first([ru]) == {("topic", "english-first"): {"ru"}}
    with pytest.raises(workflow.WorkflowError, match="English version first"):
        approval.english_first([en, ru])


def test_check_approvable_refuses_each_broken_rule(reviewer):
    topic = make_topic("check-topic")
    version = submitted(topic)
    result = checked(version, reviewer)
    assert (result.version.pk, result.english, result.previous) == (version.pk, None, None)
    assert result.digest == workflow.as_shown(version).fingerprint

    items = {("topic", "check-topic"): {"en"}}
    locked = batch.lock_items(items)[("topic", "check-topic", "en")]
    loaded = batch.Loaded(items)
    with pytest.raises(workflow.WorkflowError, match="contributed"):
        approval.check_approvable(locked, workflow.as_shown(version), loaded, {locked.pk})
    with pytest.raises(workflow.StaleReview):
        approval.check_approvable(locked, workflow.ShownText("0" * 64), loaded, set())
    locked.submitted_fingerprint = "changed"
    with pytest.raises(workflow.WorkflowError, match="changed after it was submitted"):
        approval.check_approvable(locked, workflow.as_shown(version), loaded, set())
    locked.status = LanguageVersion.Status.DRAFT
    with pytest.raises(workflow.WorkflowError, match="Only a submitted version"):
        approval.check_approvable(locked, workflow.as_shown(version), loaded, set())


def test_check_approvable_needs_live_english_for_a_translation(reviewer):
    topic = make_topic("no-english")
    version = submitted(topic, "ru")
    with pytest.raises(workflow.WorkflowError, match="English version first"):
        checked(version, reviewer)


# -- writes ------------------------------------------------------------------------------


def test_freeze_renders_once_and_writes_nothing(reviewer):
    topic = make_topic("freeze-topic")
    result = checked(submitted(topic), reviewer)
    due = NOW.date().replace(year=2027)
    frozen = approval.freeze(result, reviewer=reviewer, credit=("Dr F", "en"), now=NOW, due=due)
    assert frozen.pk is None and not PublishedVersion.objects.exists()
    assert frozen.payload["title"] == topic.title_en
    assert frozen.source == result.text and frozen.fingerprint == result.digest
    assert (frozen.reviewer_credit, frozen.reviewer_credit_language) == ("Dr F", "en")
    assert (frozen.approved_at, frozen.next_review_due) == (NOW, due)
    assert frozen.sort_title == topic.title_en.casefold()


def test_retire_and_flag_retires_the_replaced_version_and_flags_translations(reviewer):
    topic = make_topic("retire-topic")
    publish(topic, ["en", "ru"], reviewer=reviewer)
    old_en = PublishedVersion.objects.live().get(key="retire-topic", language="en")
    topic.title_en = "A new English title"
    topic.save()
    workflow.record_edits(topic)
    result = checked(submitted(topic), reviewer)
    assert result.previous.pk == old_en.pk
    approval.retire_and_flag([result], reviewer=reviewer, now=NOW)
    assert result.translation_note == {"translations": "outdated"}
    assert not PublishedVersion.objects.get(pk=old_en.pk).is_current
    assert PublishedVersion.objects.live().get(key="retire-topic", language="ru").outdated


def test_publish_writes_snapshots_placements_and_states(reviewer):
    topic = make_topic("publish-topic", regions=("legs",))
    version = submitted(topic)
    result = checked(version, reviewer)
    frozen = approval.freeze(
        result, reviewer=reviewer, credit=("Dr P", "en"), now=NOW, due=NOW.date()
    )
    approval.publish([result], [frozen], comment="fine")
    assert PublishedVersion.objects.live().get(key="publish-topic").pk == frozen.pk
    assert list(Placement.objects.filter(version=frozen).values_list("region", flat=True)) == [
        "legs"
    ]
    version.refresh_from_db()
    assert (version.status, version.comment) == (LanguageVersion.Status.APPROVED, "fine")
    assert not version.contributors.exists()


def test_index_takes_only_searchable_kinds(reviewer):
    region = make_region("index-region")
    topic = make_topic("index-topic", regions=("index-region",))
    publish(region, ["en"], reviewer=reviewer)
    publish(topic, ["en"], reviewer=reviewer)
    SearchEntry.objects.all().delete()
    approval.index(list(PublishedVersion.objects.live()))
    assert list(SearchEntry.objects.values_list("key", flat=True)) == ["index-topic"]


def test_audit_writes_one_entry_per_approval(reviewer):
    result = checked(submitted(make_topic("audit-topic")), reviewer)
    before = AuditEntry.objects.count()
    approval.audit([result], reviewer=reviewer, comment="ok")
    entry = AuditEntry.objects.exclude(action=AuditEntry.Action.SUBMIT).get()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.key, entry.actor, entry.comment, entry.fingerprint) == (
        AuditEntry.Action.APPROVE, "audit-topic", reviewer, "ok", result.digest
    )  # fmt: skip


def test_invalidate_records_the_changed_pages_of_each_item(reviewer, monkeypatch):
    recorded = []
    monkeypatch.setattr(
        publication,
        "record",
        lambda tags, *, reason, grace: recorded.append((set(tags), reason, grace)),
    )
    one = checked(submitted(make_topic("one-topic")), reviewer)
    two = checked(submitted(make_topic("two-topic")), reviewer)
    approval.invalidate([one, two], [frozen(one, reviewer), frozen(two, reviewer)])
    ((tags, reason, grace),) = recorded
    assert reason == "approve topic one-topic, topic two-topic"
    # First publications must show at once: no previous copy may be served meanwhile.
    assert grace is False
    recorded.clear()
    again = make_topic("again-topic")
    publish(again, ["en"], reviewer=reviewer)
    again.title_en = "Again, changed"
    again.save()
    workflow.record_edits(again, by=None)
    result = checked(submitted(again), reviewer)
    approval.invalidate([result], [frozen(result, reviewer)])
    # A re-approval replaces approved text with approved text: previous copies may be.
    assert recorded[-1][2] is True
    assert {"topic:one-topic:en", "topic:two-topic:en"} <= tags


def test_a_re_approval_invalidates_the_lists_of_titles_and_days_only_where_they_changed(
    reviewer, monkeypatch
):
    """The A–Z list shows titles, a sitemap file each page's day (UTC) in its language:
    a re-approval that keeps both leaves them cached; a first publication reaches both
    in every language."""
    recorded = []
    monkeypatch.setattr(
        publication, "record", lambda tags, *, reason, grace: recorded.append(set(tags))
    )
    topic = make_topic("names-topic")
    publish(topic, ["en"], reviewer=reviewer)
    assert {f"topic-{name}:{code}" for name in ("titles", "days") for code in LANGUAGES} <= (
        recorded[-1]
    )
    live = PublishedVersion.objects.live().get(key="names-topic", language="en")

    def tags_of(result, now):
        approval.invalidate([result], [frozen(result, reviewer, now=now)])
        return {tag for tag in recorded[-1] if tag.startswith("topic-")}

    topic.summary_en = "A summary, revised"
    topic.save()
    workflow.record_edits(topic, by=None)
    result = checked(submitted(topic), reviewer)
    # Same title, same day: the item's pages and lists change, not its titles or days.
    assert tags_of(result, live.approved_at) == set()
    assert "topics:en" in recorded[-1] and "topic:names-topic:en" in recorded[-1]
    # Another day (UTC): the English sitemap file's date.
    later = live.approved_at.astimezone(UTC).replace(hour=0) + timedelta(days=1)
    assert tags_of(result, later) == {"topic-days:en"}
    # Another title: every list that shows it (English is what the others fall back to).
    topic.title_en = "Names topic, renamed"
    topic.save()
    workflow.record_edits(topic, by=None)
    result = checked(submitted(topic), reviewer)
    assert tags_of(result, live.approved_at) == {f"topic-titles:{code}" for code in LANGUAGES}

"""Related topics (issue 23, item 5): a reviewed list of a topic's related topics,
frozen in its approved snapshot like its regions (payload and RelatedLink rows, as
Placement), shown on its page in the reader's language, and gone from that page at once
(through the page cache) when a related topic is withdrawn."""

import pytest
from django.core.cache import cache

from articles.models import Article
from reviews import workflow
from reviews.models import PublishedVersion, RelatedLink
from tests.support.factories import make_topic, publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]


def test_related_topics_are_frozen_at_approval_and_edits_wait_for_review(client, site):
    cramps, stretch, night = (make_topic(s, title=t) for s, t in [
        ("cramps", "Cramps"), ("stretching", "Stretching"), ("night-cramps", "Night cramps")
    ])  # fmt: skip
    publish(stretch, reviewer=site)
    publish(night, reviewer=site)
    cramps.related.set([stretch, night])
    publish(Article.objects.get(pk=cramps.pk), reviewer=site)
    live = PublishedVersion.objects.live("en", "topic").get(key="cramps")
    assert live.payload["related"] == ["night-cramps", "stretching"]
    assert sorted(RelatedLink.objects.filter(version=live).values_list("topic", flat=True)) == [
        "night-cramps",
        "stretching",
    ]
    html = client.get("/en/topics/cramps/").content.decode()
    assert 'aria-labelledby="related-heading"' in html
    assert '<a href="/en/topics/night-cramps/"' in html
    assert '<a href="/en/topics/stretching/"' in html
    # An edit of the list changes nothing public until it is approved.
    cramps.related.set([stretch])
    cache.clear()
    assert '<a href="/en/topics/night-cramps/"' in client.get("/en/topics/cramps/").content.decode()


def test_titles_are_in_the_readers_language_else_english_marked(client, site):
    main, translated, english = (make_topic(s, title=t) for s, t in [
        ("main", "Main"), ("translated", "Translated"), ("english-only", "English only")
    ])  # fmt: skip
    publish(translated, reviewer=site)
    publish(english, ["en"], reviewer=site)
    main.related.set([translated, english])
    publish(Article.objects.get(pk=main.pk), reviewer=site)
    html = client.get("/ru/topics/main/").content.decode()
    assert 'href="/ru/topics/translated/" lang="ru" dir="ltr">Translated [ru]</a>' in html
    assert 'href="/ru/topics/english-only/" lang="en" dir="ltr">English only [en]</a>' in html


def test_a_withdrawn_related_topic_leaves_the_page_at_once_in_every_language(client, site):
    main, stays, goes = (make_topic(s, title=t) for s, t in [
        ("main", "Main"), ("stays", "Stays"), ("goes", "Goeswithdrawn")
    ])  # fmt: skip
    publish(stays, reviewer=site)
    publish(goes, reviewer=site)
    main.related.set([stays, goes])
    publish(Article.objects.get(pk=main.pk), reviewer=site)
    for code in ("en", "ar"):
        assert "Goeswithdrawn" in client.get(f"/{code}/topics/main/").content.decode()
        assert client.get(f"/{code}/topics/main/")["X-Page-Cache"] == "hit"
    effects = workflow.withdrawal_effects("topic", "goes")
    assert any("main" in effect for effect in effects)
    workflow.withdraw("topic", "goes", by=site, reason="Test")
    for code in ("en", "ar"):
        html = client.get(f"/{code}/topics/main/").content.decode()
        assert "Goeswithdrawn" not in html
        assert "/topics/goes/" not in html
        assert "Stays" in html


def test_a_related_topic_published_later_appears_at_once(client, site):
    main, later = make_topic("main", title="Main"), make_topic("later", title="Laterword")
    main.related.set([later])
    publish(Article.objects.get(pk=main.pk), reviewer=site)
    html = client.get("/en/topics/main/").content.decode()
    assert "Laterword" not in html and 'aria-labelledby="related-heading"' not in html
    publish(later, reviewer=site)
    assert "Laterword" in client.get("/en/topics/main/").content.decode()


def test_the_related_slugs_are_not_search_words(client, site):
    main, other = make_topic("main", title="Main"), make_topic("zyxwvu-topic", title="Other")
    publish(other, reviewer=site)
    main.related.set([other])
    publish(Article.objects.get(pk=main.pk), reviewer=site)
    html = client.get("/en/search/?q=zyxwvu").content.decode()
    assert "/en/topics/main/" not in html

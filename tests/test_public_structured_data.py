"""The JSON-LD's dates: datePublished is the first approval since the topic was last
withdrawn, dateModified and lastReviewed the latest approval."""

from datetime import timedelta

import pytest

from reviews import workflow
from reviews.models import PublishedVersion
from tests.support.factories import make_user, publish
from tests.support.published import json_ld, publish_topic

pytestmark = pytest.mark.django_db


def backdate(slug, days):
    versions = PublishedVersion.objects.filter(key=slug)
    for version in versions:
        version.approved_at -= timedelta(days=days)
        version.save(update_fields=["approved_at"])


def test_re_review_keeps_the_publication_date_and_a_withdrawal_restarts_it(client, site):
    article = publish_topic("dated-topic", reviewer=site, languages=["en"])
    backdate("dated-topic", 30)
    first = json_ld(client.get("/en/topics/dated-topic/").content.decode())
    assert first["datePublished"] == first["dateModified"]

    article.title_en = "Dated topic, re-reviewed"
    article.save()
    workflow.record_edits(article, by=None)
    publish(article, ["en"], reviewer=make_user("Medical reviewers", languages=["en"]))
    again = json_ld(client.get("/en/topics/dated-topic/").content.decode())
    assert again["datePublished"] == first["datePublished"]
    assert again["dateModified"] > first["dateModified"]
    # The day of the re-review (read from it, so a run across midnight still agrees).
    reviewed = PublishedVersion.objects.live().get(key="dated-topic").approved_at
    assert again["lastReviewed"] == reviewed.date().isoformat()

    workflow.withdraw("topic", "dated-topic", by=site, reason="check")
    assert client.get("/en/topics/dated-topic/").status_code == 410
    article.title_en = "Dated topic, back"
    article.save()
    workflow.record_edits(article, by=None)
    publish(article, ["en"], reviewer=site)
    back = json_ld(client.get("/en/topics/dated-topic/").content.decode())
    assert back["datePublished"] == back["dateModified"] > again["dateModified"]

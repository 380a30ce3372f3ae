"""Withdrawn addresses answer 410 Gone (issue 25, item 2): pages and API alike, with the
withdrawal date and where to look instead, never the withdrawn text; addresses that never
had a published version stay 404."""

from datetime import datetime, timedelta

import pytest

from reviews import workflow
from reviews.models import ContentKind, PublishedVersion

from .factories import LANGUAGES, make_region, publish
from .support.published import publish_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

SECRET = "Withdrawn words"


@pytest.fixture
def withdrawn(site):
    article = publish_topic("gone-topic", reviewer=site, regions=("legs",), title=SECRET)
    workflow.withdraw(ContentKind.TOPIC, article.slug, by=site, reason="unsafe advice")
    return article


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_withdrawn_topic_page_is_gone_with_its_date_and_region(client, withdrawn, language):
    response = client.get(f"/{language}/topics/gone-topic/")
    assert response.status_code == 410
    html = response.content.decode()
    assert SECRET not in html
    assert f'href="/{language}/regions/legs/"' in html
    assert 'name="robots" content="noindex"' in html


def test_the_api_answers_gone_for_a_withdrawn_topic_and_not_found_for_a_stranger(client, withdrawn):
    response = client.get("/api/v1/es/topics/gone-topic/")
    assert response.status_code == 410
    body = response.json()
    assert SECRET not in response.content.decode()
    withdrawn_at = PublishedVersion.objects.get(key="gone-topic", language="es").withdrawn_at
    # to the millisecond, as JSON carries it
    assert abs(datetime.fromisoformat(body["withdrawn"]) - withdrawn_at) < timedelta(milliseconds=1)
    assert body["regions"] == ["http://testserver/api/v1/es/regions/legs/"]
    assert client.get("/api/v1/es/topics/never-was/").status_code == 404
    assert client.get("/en/topics/never-was/").status_code == 404


def test_a_withdrawn_region_is_gone_and_a_republished_topic_is_back(client, site):
    region = make_region("neck")
    publish(region, reviewer=site)
    workflow.withdraw(ContentKind.REGION, "neck", by=site, reason="merged")
    assert client.get("/ru/regions/neck/").status_code == 410
    assert client.get("/api/v1/ru/regions/neck/").status_code == 410

    article = publish_topic("back-again", reviewer=site)
    workflow.withdraw(ContentKind.TOPIC, "back-again", by=site, reason="check")
    assert client.get("/en/topics/back-again/").status_code == 410
    publish(article, reviewer=site)
    assert client.get("/en/topics/back-again/").status_code == 200

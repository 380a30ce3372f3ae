"""A reference in another language than the page is marked with that language (issue 24):
`lang` and `hreflang` for browsers and screen readers, and the language's own name for
readers. Real HTTP through the test client on a real topic from content/."""

import re

import pytest

from articles.models import Article, Reference
from tests.support.factories import publish
from tests.support.published import publish_topic

pytestmark = pytest.mark.django_db


def references_html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return re.search(r'<ul class="references">(.*?)</ul>', html, re.S).group(1)


def test_a_reference_in_another_language_is_marked_with_its_name(client, site):
    article = publish_topic("marked-refs", reviewer=site)
    Reference.objects.create(
        article=article,
        publisher="MedlinePlus en español",
        title="Calambres",
        url="https://medlineplus.gov/spanish/ency/article/003193.htm",
        language="es",
        checked="2026-12-03",
    )
    Reference.objects.create(
        article=article,
        publisher="Unknown",
        title="Somewhere",
        url="https://www.who.int/",
        language="xx",
        checked="2026-12-03",
    )
    publish(Article.objects.get(pk=article.pk), reviewer=site)
    russian = references_html(client, "/ru/topics/marked-refs/")
    assert 'hreflang="es"' in russian
    assert '<span class="reference-language" lang="es">(español)</span>' in russian
    # An unknown language code gets its lang attributes but no label, and no error.
    assert 'hreflang="xx"' in russian and 'lang="xx">(' not in russian
    spanish = references_html(client, "/es/topics/marked-refs/")
    assert 'class="reference-language" lang="es"' not in spanish

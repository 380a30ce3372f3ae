"""Search finds words whatever their accents, vowel marks or case, in every language."""

import pytest

from articles.models import Article
from reviews import workflow

from .support.factories import make_topic, publish, publish_site_notices

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "stored", "typed"),
    [
        ("ar", "اتصل فورًا بالطوارئ", "فورا"),
        ("ar", "تشنج الساق", "تشنّج"),
        ("ru", "Свёкла и судороги", "свекла"),
        ("es", "Calambre del músculo", "MUSCULO"),
    ],
)
def test_search_matches_without_accents_or_vowel_marks(client, language, stored, typed):
    reviewer = publish_site_notices()
    article = make_topic("leg-cramps")
    Article.objects.filter(pk=article.pk).update(**{f"summary_{language}": stored})
    article = Article.objects.get(pk=article.pk)
    workflow.record_edits(article, by=None)
    publish(article, reviewer=reviewer)

    response = client.get(f"/{language}/search/", {"q": typed})
    assert 'href="/' + language + '/topics/leg-cramps/"' in response.content.decode()

import pytest
from django.utils import translation

from articles.models import Article, BodyRegion, ReliefMeasure, WarningSign

pytestmark = pytest.mark.django_db

LANGUAGE_TITLES = {
    "en": "Leg cramps",
    "ru": "Судороги в ногах",
    "es": "Calambres en las piernas",
    "ar": "تشنجات الساق",
}


def test_every_reader_facing_field_is_translated_into_each_language(settings):
    article = Article.objects.create(
        slug="leg-cramps", **{f"title_{code}": text for code, text in LANGUAGE_TITLES.items()}
    )
    measure = ReliefMeasure.objects.create(
        article=article, kind="self_care", title_en="Stretch", title_ar="تمدد"
    )
    for code, text in LANGUAGE_TITLES.items():
        with translation.override(code):
            assert Article.objects.get(pk=article.pk).title == text
    with translation.override("ar"):
        assert ReliefMeasure.objects.get(pk=measure.pk).title == "تمدد"
    languages = [code for code, _name in settings.LANGUAGES]
    for model, fields in {
        Article: ["title", "summary", "what_it_is", "symptoms", "causes", "risk_factors"],
        BodyRegion: ["name", "description", "notice"],
        ReliefMeasure: ["title", "how_to", "caution"],
        WarningSign: ["text"],
    }.items():
        names = {f.name for f in model._meta.get_fields()}
        for field in fields:
            assert {f"{field}_{code}" for code in languages} <= names, (model, field)


def test_a_missing_translation_does_not_fall_back_to_english():
    article = Article.objects.create(slug="x", title_en="Leg cramps")
    with translation.override("ru"):
        assert not Article.objects.get(pk=article.pk).title

"""Safety nets: migrations, every language renders, the root redirects by language."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

LANGUAGE_DIRECTIONS = {"en": "ltr", "ru": "ltr", "es": "ltr", "ar": "rtl"}


def test_no_pending_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_languages_are_exactly_the_four_of_the_site(settings):
    assert [code for code, _name in settings.LANGUAGES] == list(LANGUAGE_DIRECTIONS)


@pytest.mark.parametrize("language", LANGUAGE_DIRECTIONS)
def test_home_page_renders_in_each_language_with_lang_and_dir(client, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{LANGUAGE_DIRECTIONS[language]}">' in html


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("ru-RU,ru;q=0.9,en;q=0.5", "/ru/"), ("ar", "/ar/"), ("es-MX", "/es/"), ("de", "/en/")],
)
def test_root_redirects_by_accept_language(client, accept, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == expected

"""Translators: their limits, interface strings in the browser, and coverage figures."""

import hashlib
import json
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from articles.models import Article
from reviews import workflow
from reviews.coverage import coverage
from staff import roles
from strings.catalogues import ReloadChangedCatalogues

from .support.admin_forms import post_review
from .support.factories import approve, make_topic, make_user, publish

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def test_translator_sees_the_english_source_beside_the_field_they_translate(client):
    article = make_topic(title="Night cramps")
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    client.force_login(translator)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    html = html.decode()
    # The Russian field is editable and carries the English text as read-only help.
    assert 'name="title_ru"' in html
    assert 'name="title_en"' not in html and 'name="title_es"' not in html
    assert re.search(
        r'class="english-source" lang="en" dir="ltr">English source: Night cramps \[en\]', html
    )


def test_translator_submits_their_language_but_cannot_approve_it():
    article = make_topic()
    publish(article, ["en"])
    translator = make_user(roles.TRANSLATORS, languages=["ar"])
    version = workflow.submit(workflow.version_for(article, "ar"), by=translator)
    with pytest.raises(workflow.WorkflowError):
        approve(version, reviewer=translator)
    with pytest.raises(workflow.WorkflowError):
        workflow.submit(workflow.version_for(article, "es"), by=translator)


# Coverage: the dashboard and the command agree on a known data set.


@pytest.fixture
def known_data():
    reviewer = make_user(roles.REVIEWERS, languages=["en", "ru", "es", "ar"])
    both = make_topic("both", languages=["en", "ru"])
    english_only = make_topic("english-only", languages=["en"])
    waiting = make_topic("waiting", languages=["en", "ru"])
    publish(both, ["en", "ru"], reviewer=reviewer)
    publish(english_only, ["en"], reviewer=reviewer)
    publish(waiting, ["en"], reviewer=reviewer)
    workflow.submit(
        workflow.version_for(waiting, "ru"), by=make_user(roles.TRANSLATORS, languages=["ru"])
    )
    # English of "both" changes and is re-approved: its Russian becomes outdated.
    Article.objects.filter(pk=both.pk).update(summary_en="New English summary")
    workflow.record_edits(Article.objects.get(pk=both.pk), by=None)
    publish(Article.objects.get(pk=both.pk), ["en"], reviewer=reviewer)
    return reviewer


EXPECTED = {
    #     translated submitted approved outdated missing
    "en": (3, 0, 3, 0, 0),
    "ru": (2, 1, 1, 1, 2),
    "es": (0, 0, 0, 0, 3),
    "ar": (0, 0, 0, 0, 3),
}


def figures(row):
    return (row["translated"], row["submitted"], row["approved"], row["outdated"], row["missing"])


def test_translation_status_json_figures(known_data, capsys):
    call_command("translation_status", "--json")
    rows = {row["code"]: row for row in json.loads(capsys.readouterr().out)}
    assert {code: figures(row) for code, row in rows.items()} == EXPECTED
    assert all(row["topics_total"] == 3 for row in rows.values())


def test_translation_status_plain_text(known_data, capsys):
    call_command("translation_status")
    lines = capsys.readouterr().out.splitlines()
    ru = next(line.split() for line in lines if line.startswith("ru "))
    assert ru[2:] == ["3", "2", "1", "1", "1", "2"]


def test_dashboard_shows_the_same_figures(known_data, client):
    client.force_login(make_user(roles.TRANSLATORS, languages=["ru"]))
    response = client.get(reverse("admin:reviews_languageversion_coverage"))
    assert response.status_code == 200
    rows = {row.code: row.as_dict() for row in response.context["rows"]}
    assert {code: figures(row) for code, row in rows.items()} == EXPECTED


def test_dashboard_figures_match_what_the_public_reads(known_data):
    from reviews.models import PublishedVersion

    for row in coverage():
        public = PublishedVersion.objects.topics(row.code).count()
        assert row.approved == public
        assert row.missing == row.topics_total - public


# Interface strings in the browser (django-rosetta), per translator and language.


@pytest.fixture
def catalogues(tmp_path, settings):
    """A throwaway copy of the catalogues, so tests never write to locale/."""
    for code in ("ru", "es"):
        directory = tmp_path / code / "LC_MESSAGES"
        directory.mkdir(parents=True)
        catalogue = polib.POFile()
        catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": code}
        catalogue.append(polib.POEntry(msgid="Review queue", msgstr=f"old {code}"))
        catalogue.save(str(directory / "django.po"))
        catalogue.save_as_mofile(str(directory / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path]
    settings.CATALOGUE_CHECK_SECONDS = 0
    yield tmp_path
    from strings.catalogues import reset_translation_caches

    reset_translation_caches()


def test_only_translators_reach_the_string_editor(client, catalogues):
    url = reverse("rosetta-file-list", kwargs={"po_filter": "project"})
    for role in (roles.EDITORS, roles.REVIEWERS, roles.SITE_ADMINS):
        client.force_login(make_user(role, languages=["ru"]))
        assert client.get(url).status_code == 302  # sent to log in as someone else
    client.force_login(make_user(roles.TRANSLATORS, languages=["ru"]))
    response = client.get(url)
    assert response.status_code == 200
    assert [language[0] for language in response.context["languages"]] == ["ru"]


def test_translator_cannot_open_or_save_another_languages_strings(client, catalogues):
    client.force_login(make_user(roles.TRANSLATORS, languages=["ru"]))
    spanish = reverse("rosetta-form", kwargs={"po_filter": "project", "lang_id": "es", "idx": 0})
    assert client.get(spanish).status_code == 403
    digest = hashlib.md5(b"Review queueold es").hexdigest()  # noqa: S324 - rosetta's key
    assert client.post(spanish, {f"m_{digest}": "hack"}).status_code == 403
    assert polib.pofile(str(catalogues / "es/LC_MESSAGES/django.po"))[0].msgstr == "old es"


def test_saved_strings_take_effect_without_a_restart(client, catalogues):
    client.force_login(make_user(roles.TRANSLATORS, languages=["ru"]))
    middleware = ReloadChangedCatalogues(lambda request: None)
    with translation.override("ru"):
        assert translation.gettext("Review queue") == "old ru"

    russian = reverse("rosetta-form", kwargs={"po_filter": "project", "lang_id": "ru", "idx": 0})
    assert client.get(russian).status_code == 200
    digest = hashlib.md5(b"Review queueold ru").hexdigest()  # noqa: S324 - rosetta's key
    response = client.post(russian, {f"m_{digest}": "Очередь проверки"})
    assert response.status_code == 302

    assert polib.pofile(str(catalogues / "ru/LC_MESSAGES/django.po"))[0].msgstr == (
        "Очередь проверки"
    )
    middleware(RequestFactory().get("/"))  # the next request in any worker
    with translation.override("ru"):
        assert translation.gettext("Review queue") == "Очередь проверки"


# Adding a language is a settings change: no language list anywhere else.

CODE_DIRS = ["articles", "audit", "staff", "search", "reviews", "strings", "healthsite"]
CODE_DIRS += ["templates", "static"]
ALL_LANGUAGES = [code for code, _name in settings.LANGUAGES]
# The modules that may name languages: the one that names the source language (it reads
# it from settings), and the alphabets of the A–Z list, an order per language where one
# is given, the English order for any other (README "Adding a language", step 5).
LANGUAGE_MODULES = {Path("articles") / "languages.py", Path("search") / "alphabet.py"}


def test_no_language_list_is_hard_coded_outside_settings():
    codes = "|".join(ALL_LANGUAGES)
    literal = re.compile(rf"""["']({codes})["']""")
    offenders = []
    for directory in CODE_DIRS:
        for path in (ROOT / directory).rglob("*"):
            if path.suffix not in {".py", ".html", ".css", ".txt", ".xml", ".svg"}:
                continue
            if "migrations" in path.parts or "settings" in path.parts:
                continue
            if path.relative_to(ROOT) in LANGUAGE_MODULES:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if literal.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_translator_to_public_arabic_page_and_dashboard(client):
    """Issue 'done when': translate into Arabic in the admin, submit, approve, see it."""
    from reviews.models import PublishedVersion

    from .support.admin_forms import change_form_data
    from .support.factories import publish_site_notices

    reviewer = publish_site_notices()
    article = make_topic("leg-cramps", languages=["en", "ru", "es"], title="Leg cramps")
    publish(article, ["en"], reviewer=reviewer)

    def arabic_figures():
        row = next(row for row in coverage() if row.code == "ar")
        return row.approved, row.missing

    assert arabic_figures() == (0, 1)
    before = client.get("/ar/topics/leg-cramps/").content.decode()
    assert 'lang="en"' in before and "Leg cramps [en]" in before

    translator = make_user(roles.TRANSLATORS, languages=["ar"])
    client.force_login(translator)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(client.get(url))
    arabic = {
        "title_ar": "تشنجات الساق",
        "summary_ar": "شد مفاجئ في عضلات الساق.",
        "what_it_is_ar": "ما هو تشنج الساق.",
        "warning_signs-0-text_ar": "اتصل الآن",
        "relief_measures-0-title_ar": "تمدد",
    }
    data.update(arabic)
    assert client.post(url, data).status_code == 302
    version = workflow.version_for(article, "ar")
    review = reverse("admin:reviews_languageversion_review", args=[version.pk])
    post_review(client, review, {"action": "submit"})
    version.refresh_from_db()
    assert version.status == "submitted" and version.submitted_by == translator

    client.force_login(reviewer)
    post_review(client, review, {"action": "approve"})
    assert PublishedVersion.objects.topics("ar").filter(key="leg-cramps").exists()

    client.logout()
    html = client.get("/ar/topics/leg-cramps/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "تشنجات الساق" in html and "Leg cramps [en]" not in html
    assert arabic_figures() == (1, 0)

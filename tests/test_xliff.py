"""XLIFF for CAT tools (issue 22, item 3) and the translation memory (item 4): a round trip
through the admin (download, translate in the file, upload, review, approve), the command,
the XLIFF 1.2 schema, and every refusal, each of which writes nothing."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from lxml import etree

from articles.models import Article, WarningSign
from reviews import workflow
from reviews.models import LanguageVersion, PublishedVersion
from staff import roles

from .support.admin_forms import post_review
from .support.factories import make_user
from .support.published import publish_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

XLIFF = "urn:oasis:names:tc:xliff:document:1.2"
NS = {"x": XLIFF}
SCHEMA = Path(__file__).parent / "xliff" / "xliff-core-1.2-subset.xsd"
URL = "admin:reviews_languageversion_xliff"


def approve_english(article, reviewer):
    editor = make_user(roles.EDITORS, languages=["en"])
    version = workflow.submit(workflow.version_for(article, "en"), by=editor)
    return workflow.approve(version, reviewer=reviewer, shown=workflow.as_shown(version))


@pytest.fixture
def outdated(site):
    """Two topics approved in every language; the first one's English summary then
    changed and was approved (its Spanish is outdated), and its title changed in the
    English draft only."""
    publish_topic("calf-cramps", reviewer=site, title="Calf cramps")
    article = publish_topic("night-cramps", reviewer=site, title="Night cramps")
    Article.objects.filter(pk=article.pk).update(summary_en="Cramps at night. They wake you.")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=None)
    approve_english(Article.objects.get(pk=article.pk), site)
    Article.objects.filter(pk=article.pk).update(title_en="Unapproved English title")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=None)
    return Article.objects.get(pk=article.pk)


@pytest.fixture
def translator(client):
    person = make_user(roles.TRANSLATORS, languages=["es"])
    client.force_login(person)
    return person


def download(client, **fields) -> bytes:
    data = {"export-language": "es", "export-which": "outdated", "export": "1"}
    data |= {f"export-{name}": value for name, value in fields.items()}
    response = client.post(reverse(URL), data)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-xliff+xml"
    return response.content


def upload(client, content: bytes, language="es"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse(URL),
        {
            "import-language": language,
            "import-file": SimpleUploadedFile("es.xlf", content),
            "import": "1",
        },
    )


def unit(tree, item: str, path: str):
    return tree.xpath(f"//x:file[@original='{item}']//x:trans-unit[@id='{path}']", namespaces=NS)[0]


def set_target(content: bytes, item: str, path: str, text: str) -> bytes:
    tree = etree.fromstring(content)
    node = unit(tree, item, path)
    target = node.find("x:target", NS)
    if target is None:
        target = etree.SubElement(node, f"{{{XLIFF}}}target")
        node.remove(target)
        node.find("x:source", NS).addnext(target)
    target.text = text
    target.set("state", "translated")
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def test_the_export_validates_against_the_xliff_schema_and_carries_what_a_translator_needs(
    client, outdated, translator
):
    content = download(client)
    tree = etree.fromstring(content)
    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(tree)
    assert tree.get("version") == "1.2"
    # Only the outdated topic, one segment per field and list item.
    files = tree.findall("x:file", NS)
    assert [node.get("original") for node in files] == ["topic/night-cramps"]
    assert files[0].get("source-language") == "en" and files[0].get("target-language") == "es"
    ids = [node.get("id") for node in files[0].iter(f"{{{XLIFF}}}trans-unit")]
    assert {"title", "summary", "warning_signs[0].text", "relief[0].title"} <= set(ids)
    # The source is the approved English, never the draft.
    title = unit(tree, "topic/night-cramps", "title")
    assert title.findtext("x:source", namespaces=NS) == "Night cramps [en]"
    assert b"Unapproved English title" not in content
    assert title.find("x:target", NS).text == "Night cramps [es]"
    assert title.find("x:target", NS).get("state") == "signed-off"
    # The changed field: needs review, with the English it replaced.
    summary = unit(tree, "topic/night-cramps", "summary")
    assert summary.find("x:target", NS).get("state") == "needs-review-translation"
    notes = {node.get("from"): node.text for node in summary.findall("x:note", NS)}
    assert "Summary of Night cramps [en]" in notes["english-change"]
    # Glossary terms of the source, with the preferred Spanish.
    glossary = [node.text for node in title.findall("x:note[@from='glossary']", NS)]
    assert any(note.startswith("cramp → calambre") for note in glossary)
    # The memory: the same English sign is approved in another topic.
    sign = unit(tree, "topic/night-cramps", "warning_signs[0].text")
    assert sign.find("x:alt-trans", NS) is None  # the match is its own text already


def test_round_trip_download_translate_upload_review_approve(client, outdated, translator, site):
    content = download(client)
    content = set_target(
        content, "topic/night-cramps", "summary", "Calambres por la noche. Le despiertan."
    )
    response = upload(client, content)
    assert response.status_code == 302, response.content.decode().split("content-main")[1][:3000]
    article = Article.objects.get(slug="night-cramps")
    assert article.summary_es == "Calambres por la noche. Le despiertan."
    assert article.title_es == "Night cramps [es]"  # unchanged segments are not written
    version = LanguageVersion.objects.get(key="night-cramps", language="es")
    assert version.status == LanguageVersion.Status.DRAFT
    assert translator in version.contributors.all()
    assert version.last_edited_by == translator
    # Review and approve over HTTP: the Spanish is current again.
    workflow.submit(version, by=translator)
    client.force_login(site)
    url = reverse("admin:reviews_languageversion_review", args=[version.pk])
    page = client.get(url).content.decode()
    assert "Calambres por la noche" in page
    assert post_review(client, url, {"action": "approve"}).status_code == 302
    live = PublishedVersion.objects.live("es").get(key="night-cramps")
    assert live.payload["summary"] == "Calambres por la noche. Le despiertan."
    assert not live.outdated
    # A new export of the same topic: every segment signed off.
    client.force_login(translator)
    tree = etree.fromstring(download(client, topic="night-cramps"))
    states = {node.get("state") for node in tree.iter(f"{{{XLIFF}}}target")}
    assert states == {"signed-off"}


def test_the_command_exports_and_imports_as_the_named_translator(outdated, tmp_path):
    translator = make_user(roles.TRANSLATORS, languages=["es"], username="maria")
    path = tmp_path / "es.xlf"
    call_command("xliff_export", "es", "night-cramps", "-o", str(path))
    path.write_bytes(set_target(path.read_bytes(), "topic/night-cramps", "summary", "Nuevo."))
    call_command("xliff_import", "es", str(path), "--user", "maria")
    assert Article.objects.get(slug="night-cramps").summary_es == "Nuevo."
    version = LanguageVersion.objects.get(key="night-cramps", language="es")
    assert translator in version.contributors.all()


def test_the_memory_fills_an_approved_translation_of_the_same_english_as_a_match(
    client, site, translator
):
    publish_topic("calf-cramps", reviewer=site, title="Calf cramps")
    fresh = publish_topic("foot-cramps", reviewer=site, title="Foot cramps", languages=["en"])
    # The new topic's Spanish sign is empty: the other topic has the same English approved.
    WarningSign.objects.filter(article=fresh).update(text_es="")
    workflow.record_edits(Article.objects.get(pk=fresh.pk), by=None)
    tree = etree.fromstring(download(client, topic="foot-cramps"))
    sign = unit(tree, "topic/foot-cramps", "warning_signs[0].text")
    assert sign.find("x:target", NS) is None  # never filled in for the translator
    match = sign.find("x:alt-trans", NS)
    assert match.get("origin") == "site translation memory"
    assert match.get("match-quality") == "100"
    assert match.findtext("x:target", namespaces=NS) == "Call now [es]"
    # Uploading the file untouched writes nothing: a match is not a translation.
    response = upload(client, etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    assert response.status_code == 302
    assert WarningSign.objects.get(article=fresh).text_es == ""
    # The change form offers it too, marked as a match.
    page = client.get(reverse("admin:articles_article_change", args=[fresh.pk])).content.decode()
    help_text = page.split('id="id_warning_signs-0-text_es_helptext">', 1)[1].split("form-row")[0]
    assert "translation-memory" in help_text and "Call now [es]" in help_text


# Refusals: each writes nothing.


def assert_refused(response, *messages):
    assert response.status_code == 200
    html = response.content.decode()
    assert "The file was refused; nothing was written" in html
    for message in messages:
        assert message in html, message
    return html


def unchanged(article_before):
    article = Article.objects.get(pk=article_before.pk)
    assert article.summary_es == article_before.summary_es
    assert article.title_es == article_before.title_es


def test_a_file_whose_sources_no_longer_match_the_approved_english_is_refused_per_segment(
    client, outdated, translator, site
):
    content = download(client)
    content = set_target(content, "topic/night-cramps", "title", "Calambres nocturnos")
    # The English title and summary are approved anew after the export.
    Article.objects.filter(pk=outdated.pk).update(summary_en="Another summary.")
    workflow.record_edits(Article.objects.get(pk=outdated.pk), by=None)
    approve_english(Article.objects.get(pk=outdated.pk), site)
    html = assert_refused(
        upload(client, content),
        "topic/night-cramps, title: the source is no longer the approved English",
        "topic/night-cramps, summary: the source is no longer the approved English",
    )
    assert "Unapproved English title" in html  # the English it is now
    unchanged(outdated)


def test_an_invalid_segment_refuses_the_whole_file(client, outdated, translator):
    content = download(client)
    content = set_target(content, "topic/night-cramps", "summary", "Válido.")
    content = set_target(content, "topic/night-cramps", "title", "Invisible\u200bcharacter")
    assert_refused(upload(client, content), "title_es")
    unchanged(outdated)


def test_a_file_for_another_language_or_a_person_without_it_is_refused(
    client, outdated, translator, tmp_path
):
    content = download(client)
    russian = make_user(roles.TRANSLATORS, languages=["ru"])
    client.force_login(russian)
    assert_refused(upload(client, content, language="ru"), "the file is for es, not ru")
    # The Spanish is not a language this person may choose.
    response = upload(client, content, language="es")
    assert "es is not one of the available choices" in response.content.decode()
    path = tmp_path / "es.xlf"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="You may not translate into Spanish"):
        call_command("xliff_import", "es", str(path), "--user", russian.username)
    unchanged(outdated)


def test_a_file_exported_before_the_translation_changed_on_the_site_is_refused(
    client, outdated, translator
):
    content = download(client)
    Article.objects.filter(pk=outdated.pk).update(title_es="Edited in the admin meanwhile")
    content = set_target(content, "topic/night-cramps", "summary", "Otra cosa.")
    assert_refused(upload(client, content), "was changed on the site after this file")
    assert Article.objects.get(pk=outdated.pk).summary_es != "Otra cosa."


def test_not_xliff_unknown_items_and_unknown_segments_are_refused(client, outdated, translator):
    assert_refused(upload(client, b"not xml at all"), "This is not an XLIFF 1.2 file")
    content = download(client).replace(b'original="topic/night-cramps"', b'original="topic/nope"')
    assert_refused(upload(client, content), "topic/nope: no such item on the site.")
    content = download(client).replace(b'id="title"', b'id="no_such_field"')
    assert_refused(upload(client, content), "no_such_field: no such segment.")
    unchanged(outdated)


def test_only_translators_reach_the_xliff_page(client, outdated):
    client.force_login(make_user(roles.REVIEWERS, languages=["es"]))
    assert client.get(reverse(URL)).status_code == 403
    client.force_login(make_user(roles.TRANSLATORS, languages=["es"]))
    page = client.get(reverse(URL))
    assert page.status_code == 200
    assert [code for code, _name in page.context["export_form"].fields["language"].choices] == [
        "es"
    ]


def test_the_memory_offers_approved_sentences_of_a_longer_field(client, site, translator):
    from reviews.memory import Memory

    first = publish_topic("first-topic", reviewer=site, languages=[])
    Article.objects.filter(pk=first.pk).update(
        summary_en="Stretch the calf. Drink water.", summary_es="Estire la pantorrilla. Beba agua."
    )
    from .support.factories import publish

    publish(Article.objects.get(pk=first.pk), reviewer=site)
    second = publish_topic("second-topic", reviewer=site, languages=[])
    Article.objects.filter(pk=second.pk).update(
        summary_en="Rest a while. Drink water.", summary_es=""
    )
    publish(Article.objects.get(pk=second.pk), ["en"], reviewer=site)
    matches = Memory("es").sentence_matches("Rest a while. Drink water.")
    assert [(match.english, match.translation, match.key) for match in matches] == [
        ("Drink water.", "Beba agua.", "first-topic")
    ]
    tree = etree.fromstring(download(client, topic="second-topic"))
    summary = unit(tree, "topic/second-topic", "summary")
    match = summary.find("x:alt-trans", NS)
    assert match.findtext("x:source", namespaces=NS) == "Drink water."
    assert match.findtext("x:target", namespaces=NS) == "Beba agua."
    assert summary.find("x:target", NS) is None


def test_an_import_over_http_keeps_what_the_loader_last_wrote(client, outdated, translator):
    """An import saves the rows it read for the language version (without the loader's
    stored state, reviews.registry `objects`): sent as a browser sends the form (CSRF
    token, the file), it keeps `loaded_text`, so the next load of a changed file still
    sees the translator's edit and refuses to overwrite it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .support.browser_forms import BrowserForm, csrf_client

    stored = {"summary_es": "as the loader last wrote it"}
    Article.objects.filter(slug="night-cramps").update(loaded_text=stored)
    browser = csrf_client()
    browser.force_login(translator)
    page = browser.get(reverse(URL))
    token = BrowserForm.from_response(page)["csrfmiddlewaretoken"]
    content = download(client, topic="night-cramps")
    content = set_target(content, "topic/night-cramps", "summary", "Calambres de noche.")
    file = SimpleUploadedFile("es.xlf", content)
    data = {"import-language": "es", "import-file": file, "import": "1"}
    response = browser.post(reverse(URL), {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    article = Article.objects.get(slug="night-cramps")
    assert article.summary_es == "Calambres de noche."
    assert article.loaded_text == stored

"""The translator's workbench (issue 22): what changed in English, shown in the change
form and on the review page, and red-flag changes that hold translations."""

import re

import pytest
from django.urls import reverse

from articles.models import Article, WarningSign
from audit.models import AuditEntry
from reviews import workflow
from reviews.models import LanguageVersion, PublishedVersion
from staff import roles

from .support.admin_forms import change_form_data, post_review
from .support.factories import approve, make_user, publish
from .support.published import publish_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]


def approve_english(article, reviewer, **options):
    """Submit and approve the English draft of `article` as an editor and reviewer would."""
    editor = make_user(roles.EDITORS, languages=["en"])
    version = workflow.submit(workflow.version_for(article, "en"), by=editor)
    return workflow.approve(version, reviewer=reviewer, shown=workflow.as_shown(version), **options)


def reapprove(article, language, reviewer):
    translator = make_user(roles.TRANSLATORS, languages=[language])
    version = workflow.submit(workflow.version_for(article, language), by=translator)
    return approve(version, reviewer=reviewer)


def edit(article, **values):
    Article.objects.filter(pk=article.pk).update(**values)
    article = Article.objects.get(pk=article.pk)
    workflow.record_edits(article, by=None)
    return article


def edit_sign(article, **values):
    WarningSign.objects.filter(article=article).update(**values)
    workflow.record_edits(Article.objects.get(pk=article.pk), by=None)


# 1. What changed in English, over HTTP in the admin.


@pytest.fixture
def changed_english(site):
    """A topic approved in English and Spanish; then its English summary changed and was
    approved, and its English title changed in the draft only."""
    article = publish_topic("night-cramps", reviewer=site, languages=["en", "es"])
    article = edit(article, summary_en="Cramps at night wake you up")
    approve_english(article, site)
    return edit(article, title_en="Night-time cramps (draft)")


def test_translator_form_shows_the_approved_english_what_changed_and_the_draft_apart(
    client, changed_english
):
    translator = make_user(roles.TRANSLATORS, languages=["es"])
    client.force_login(translator)
    url = reverse("admin:articles_article_change", args=[changed_english.pk])
    html = client.get(url).content.decode()
    summary = help_of(html, "summary_es")
    # The approved English, and the word diff since the Spanish was approved.
    assert "Approved English: Cramps at night wake you up" in summary
    assert "Changed in English since this translation was approved" in summary
    assert "<del>Summary of Night cramps [en]</del>" in summary
    assert "<ins>Cramps at night wake you up</ins>" in summary
    # The title's approved English did not change; its unapproved draft is shown apart.
    title = help_of(html, "title_es")
    assert "Approved English: Night cramps [en]" in title
    assert "changed-mark" not in title
    assert "English draft, not yet approved:" in title
    assert "Night-time cramps (draft)" in title
    # An untouched part row: the approved English only.
    sign = help_of(html, "warning_signs-0-text_es")
    assert "Approved English: Call now [en]" in sign
    assert "changed-mark" not in sign and "English draft" not in sign


def help_of(html: str, name: str) -> str:
    """The help block under the field `name` of an admin change form."""
    marker = f'id="id_{name}_helptext">'
    assert marker in html, name
    return html.split(marker, 1)[1].split('class="form-row', 1)[0]


def test_translator_saves_from_the_form_and_the_review_page_shows_the_english_diff(
    client, changed_english, site
):
    translator = make_user(roles.TRANSLATORS, languages=["es"])
    client.force_login(translator)
    url = reverse("admin:articles_article_change", args=[changed_english.pk])
    data = change_form_data(client.get(url))
    data["summary_es"] = "Los calambres nocturnos\r\nle despiertan"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    version = LanguageVersion.objects.get(key="night-cramps", language="es")
    workflow.submit(version, by=translator)
    client.force_login(site)
    review = client.get(reverse("admin:reviews_languageversion_review", args=[version.pk]))
    html = review.content.decode()
    assert "What changed in English since this translation was approved" in html
    changed = re.search(r'<tr class="changed" data-path="summary">(.*?)</tr>', html, re.S)
    assert changed, html
    assert "<del>Summary of Night cramps [en]</del>" in changed.group(1)
    assert "<ins>Cramps at night wake you up</ins>" in changed.group(1)
    # The reviewer checks against the approved English: the draft is not on this page
    # (it is on the translator's form, apart).
    assert re.search(r'<tr class="unchanged" data-path="title">', html)
    section = html.split('<section class="english-changes">')[1].split("</section>")[0]
    assert "Night-time cramps (draft)" not in section
    assert "1 field changed" in html
    # Approving it makes the Spanish current again: nothing changed any more.
    response = post_review(
        client, reverse("admin:reviews_languageversion_review", args=[version.pk]),
        {"action": "approve"},
    )  # fmt: skip
    assert response.status_code == 302
    live = PublishedVersion.objects.live("es").get(key="night-cramps")
    assert live.outdated is False
    # (Line endings are the text normaliser's business, issue 19.)
    assert live.source["summary"].replace("\r\n", "\n") == "Los calambres nocturnos\nle despiertan"
    html = client.get(reverse("admin:reviews_languageversion_review", args=[version.pk]))
    assert "Nothing: the approved English is the one" in html.content.decode()


def test_without_approved_english_the_form_shows_the_draft_labelled(client, site):
    article = publish_topic("draft-only", reviewer=site, languages=[])
    client.force_login(make_user(roles.TRANSLATORS, languages=["ru"]))
    html = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    title = help_of(html.content.decode(), "title_ru")
    assert "English source: Draft only [en]" in title
    assert "not approved yet" in title


# 5. Red-flag changes hold translations; other changes keep them, outdated.


def spanish_page(client, slug):
    return client.get(f"/es/topics/{slug}/").content.decode()


def test_a_red_flag_change_sends_spanish_readers_to_english_until_reapproved(client, site):
    article = publish_topic("calf-cramp", reviewer=site)
    assert '<article class="topic" lang="es"' in spanish_page(client, "calf-cramp")
    # A typo fix elsewhere: the Spanish stays public, marked outdated.
    article = edit(article, summary_en="Summary of calf cramp, fixed")
    approve_english(article, site)
    html = spanish_page(client, "calf-cramp")
    assert '<article class="topic" lang="es"' in html and "Calf cramp [es]" in html
    assert PublishedVersion.objects.live("es").get(key="calf-cramp").outdated
    # A red flag reworded: Spanish readers get the approved English page.
    edit_sign(article, text_en="Call now if your chest hurts [en]")
    english = approve_english(Article.objects.get(pk=article.pk), site)
    entry = AuditEntry.objects.filter(action="approve", language="en").first()
    assert entry.details == {"translations": "held: red flags changed"}
    for language in ("es", "ru", "ar"):
        html = client.get(f"/{language}/topics/calf-cramp/").content.decode()
        assert '<article class="topic" lang="en" dir="ltr"' in html
        assert "Call now if your chest hurts [en]" in html
        assert "notice-translation" in html
        assert "Calf cramp [es]" not in html
    held = PublishedVersion.objects.get(key="calf-cramp", language="es", held=True)
    assert held.is_current is False and held.english_version_id != english.pk
    # The queue's due dates follow: nothing of Spanish is live, English has its new one.
    versions = LanguageVersion.objects.filter(key="calf-cramp")
    dues = dict(versions.values_list("language", "review_due"))
    assert dues == {"en": english.next_review_due, "es": None, "ru": None, "ar": None}
    # The queue counts it under "red flags changed", and the list filter finds it.
    client.force_login(site)
    queue = client.get(reverse("admin:reviews_languageversion_queue")).content.decode()
    assert "Held: red flags changed" in queue
    assert re.search(r'href="[^"]*held=yes&amp;language=es">1</a>', queue)
    listing = client.get(reverse("admin:reviews_languageversion_changelist") + "?held=yes")
    assert {v.language for v in listing.context["cl"].result_list} == {"ru", "es", "ar"}
    review = client.get(
        reverse(
            "admin:reviews_languageversion_review",
            args=[LanguageVersion.objects.get(key="calf-cramp", language="es").pk],
        )
    ).content.decode()
    assert "held since" in review
    # The Spanish sign is translated again and approved: Spanish readers get Spanish.
    WarningSign.objects.filter(article=article).update(text_es="Llame ahora si le duele el pecho")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=None)
    reapprove(article, "es", site)
    html = spanish_page(client, "calf-cramp")
    assert '<article class="topic" lang="es"' in html and "Llame ahora si le duele" in html
    assert not PublishedVersion.objects.filter(key="calf-cramp", language="es", held=True)
    # The others stay held until their own approval.
    assert (
        '<article class="topic" lang="en"' in client.get("/ru/topics/calf-cramp/").content.decode()
    )


def test_a_new_urgency_or_a_new_sign_is_a_red_flag_change(site):
    article = publish_topic("urgency-topic", reviewer=site, languages=["en", "es"])
    edit_sign(article, urgency="urgent")
    approve_english(Article.objects.get(pk=article.pk), site)
    assert PublishedVersion.objects.filter(key="urgency-topic", language="es", held=True)
    reapprove(article, "es", site)
    WarningSign.objects.create(article=article, urgency="routine", text_en="New sign", order=5)
    WarningSign.objects.filter(article=article, urgency="routine").update(text_es="Nuevo")
    approve_english(Article.objects.get(pk=article.pk), site)
    assert PublishedVersion.objects.filter(key="urgency-topic", language="es", held=True)


def test_reordered_signs_are_not_a_red_flag_change(site):
    article = publish_topic("order-topic", reviewer=site, languages=["en", "es"])
    WarningSign.objects.create(
        article=article, urgency="urgent", text_en="Second", text_es="Segundo", order=9
    )
    workflow.record_edits(Article.objects.get(pk=article.pk), by=None)
    approve_english(Article.objects.get(pk=article.pk), site)
    reapprove(article, "es", site)
    WarningSign.objects.filter(article=article, urgency="urgent").update(order=0)
    Article.objects.filter(pk=article.pk).update(summary_en="Reordered")
    approve_english(edit(article, summary_en="Reordered"), site)
    spanish = PublishedVersion.objects.get(key="order-topic", language="es", is_current=True)
    assert spanish.outdated and not spanish.held


def test_reviewer_marks_an_english_change_as_not_affecting_translations(client, site):
    article = publish_topic("typo-topic", reviewer=site, languages=["en", "es"])
    edit_sign(article, text_en="Call now [en], typo fixed")
    editor = make_user(roles.EDITORS, languages=["en"])
    version = workflow.submit(workflow.version_for(article, "en"), by=editor)
    client.force_login(site)
    url = reverse("admin:reviews_languageversion_review", args=[version.pk])
    page = client.get(url).content.decode()
    # The diff is shown with the warning that approving would hold the translations.
    assert "<ins>typo fixed</ins>" in page or "typo" in page
    assert "red-flags-change" in page
    assert 'name="translations_unaffected"' in page
    response = post_review(client, url, {"action": "approve", "translations_unaffected": "on"})
    assert response.status_code == 302
    spanish = PublishedVersion.objects.live("es").get(key="typo-topic")
    assert not spanish.outdated and not spanish.held
    assert '<article class="topic" lang="es"' in spanish_page(client, "typo-topic")
    entry = AuditEntry.objects.filter(action="approve", language="en").first()
    assert entry.details == {"translations": "unaffected"}
    # The audit log shows it.
    log = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert "unaffected" in log.content.decode()


def test_the_unaffected_mark_is_only_offered_on_english_approvals(client, site):
    article = publish_topic("offer-topic", reviewer=site, languages=["en"])
    translator = make_user(roles.TRANSLATORS, languages=["es"])
    version = workflow.submit(workflow.version_for(article, "es"), by=translator)
    client.force_login(site)
    page = client.get(reverse("admin:reviews_languageversion_review", args=[version.pk]))
    assert 'name="translations_unaffected"' not in page.content.decode()
    with pytest.raises(workflow.WorkflowError):
        workflow.approve(
            version,
            reviewer=site,
            shown=workflow.as_shown(version),
            translations_unaffected=True,
        )


def test_withdrawing_ends_a_hold_and_a_new_approval_starts_anew(site):
    article = publish_topic("held-then-withdrawn", reviewer=site, languages=["en", "es"])
    edit_sign(article, text_en="Different sign")
    approve_english(Article.objects.get(pk=article.pk), site)
    workflow.withdraw("topic", "held-then-withdrawn", by=site, reason="unsafe")
    assert not PublishedVersion.objects.filter(key="held-then-withdrawn", held=True)
    assert not PublishedVersion.objects.live().filter(key="held-then-withdrawn")


def test_publish_helper_still_approves_every_language(site):
    article = publish_topic("plain", reviewer=site, languages=[])
    published = publish(article, reviewer=site)
    assert set(published) == {"en", "ru", "es", "ar"}


# 2. Terms at hand, over HTTP.


def test_glossary_terms_are_shown_beside_a_field_and_an_avoided_rendering_warns(client, site):
    from reviews.terms import Glossary

    glossary = Glossary("es")
    cramp = next(term for term in glossary.terms if term.en == "cramp")
    avoided = next(term for term in glossary.terms if term.avoid)
    article = publish_topic("glossary-cramps", reviewer=site, title="Leg cramps")
    translator = make_user(roles.TRANSLATORS, languages=["es"])
    client.force_login(translator)
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(url)
    title = help_of(page.content.decode(), "title_es")
    assert "Glossary:" in title
    assert f'<strong lang="es">{cramp.use[0]}</strong>' in title
    data = change_form_data(page)
    data["summary_es"] = f"Resumen con {avoided.avoid[0]} dentro."
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    warnings = [str(message) for message in response.context["messages"]]
    assert any(
        warning.startswith("summary [es]:") and avoided.avoid[0] in warning for warning in warnings
    ), warnings
    # Saved all the same: blocking rules are the content checks at review.
    assert avoided.avoid[0] in Article.objects.get(pk=article.pk).summary_es

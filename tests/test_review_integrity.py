"""A reviewer approves exactly what the public will see, and nothing else (issue 10).

Each test acts as a careless or malicious staff member would, through the admin over HTTP
where a person acts there."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from articles.models import Article, Reference
from audit.models import AuditEntry
from reviews import workflow
from reviews.models import PublishedVersion
from reviews.registry import registry
from reviews.rendering import markdown_html
from staff import roles

from .support.admin_forms import change_form_data, post_review
from .support.factories import make_region, make_topic, make_user, publish, publish_site_notices

pytestmark = pytest.mark.django_db
ALL = ["en", "ru", "es", "ar"]


def review_url(article, language):
    version = workflow.version_for(article, language)
    return reverse("admin:reviews_languageversion_review", args=[version.pk])


def live_title(slug, language):
    return PublishedVersion.objects.live(language).get(key=slug).payload["title"]


def translator_edits(article, language, by, **fields):
    Article.objects.filter(pk=article.pk).update(**fields)
    workflow.record_edits(Article.objects.get(pk=article.pk), by=by)
    workflow.submit(workflow.version_for(article, language), by=by)


def hidden_fields(page) -> dict:
    form = page.context["form"]
    return {name: form[name].value() or "" for name in ("fingerprint", "english_fingerprint")}


# 1. A stale review page approves nothing.


def test_approving_from_a_stale_page_publishes_nothing_and_shows_the_new_text(client):
    article = make_topic(title="Cramps")
    reviewer = make_user(roles.REVIEWERS, languages=ALL)
    publish(article, ["en", "ru"], reviewer=reviewer)
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    translator_edits(article, "ru", translator, title_ru="Судороги v1")

    client.force_login(reviewer)
    url = review_url(article, "ru")
    seen = client.get(url)  # the reviewer reads v1 ...
    assert "Судороги v1" in seen.content.decode()
    # ... meanwhile the translator edits and resubmits
    translator_edits(article, "ru", translator, title_ru="Примите 40 таблеток")

    response = client.post(url, {**hidden_fields(seen), "action": "approve"}, follow=True)

    assert live_title(article.slug, "ru") == "Cramps [ru]"  # nothing new was published
    html = response.content.decode()
    assert "The text changed since this page was shown to you" in html
    assert "Примите 40 таблеток" in html  # the new diff is shown
    # Approving what is now shown works.
    post_review(client, url, {"action": "approve"})
    assert live_title(article.slug, "ru") == "Примите 40 таблеток"


def test_a_review_page_names_the_text_it_shows_even_if_an_edit_lands_while_it_is_built(
    client, monkeypatch
):
    # The translator saves and resubmits right after the page read the text: the page
    # shows the text it read, so its approval must name that text, not the newer one
    # (else one click would publish words the reviewer never saw).
    article = make_topic(title="Cramps")
    reviewer = make_user(roles.REVIEWERS, languages=ALL)
    publish(article, ["en", "ru"], reviewer=reviewer)
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    translator_edits(article, "ru", translator, title_ru="Судороги v1")
    adapter = registry["topic"]
    real = type(adapter).source_text
    edited = []

    def read_then_edit(self, obj, language):
        text = real(self, obj, language)
        if language == "ru" and not edited:
            edited.append(True)
            translator_edits(article, "ru", translator, title_ru="Примите 40 таблеток")
        return text

    client.force_login(reviewer)
    monkeypatch.setattr(type(adapter), "source_text", read_then_edit)
    page = client.get(review_url(article, "ru"))
    monkeypatch.undo()
    assert edited and "Судороги v1" in page.content.decode()
    assert "Примите 40 таблеток" not in page.content.decode()
    response = client.post(
        review_url(article, "ru"), {**hidden_fields(page), "action": "approve"}, follow=True
    )
    assert "The text changed since this page was shown to you" in response.content.decode()
    assert live_title(article.slug, "ru") == "Cramps [ru]"


def test_an_approval_without_the_shown_fingerprint_is_refused(client):
    article = make_topic()
    publish(article, ["en"])
    editor = make_user(roles.EDITORS)
    Article.objects.filter(pk=article.pk).update(title_en="New title")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=editor)
    workflow.submit(workflow.version_for(article, "en"), by=editor)
    client.force_login(make_user(roles.REVIEWERS, languages=ALL))
    client.post(review_url(article, "en"), {"action": "approve"})  # a forged post
    assert live_title(article.slug, "en") != "New title"


# 2. What the reviewer previews is what the public reads, character for character.

TYPED = {
    "a number continuing a sentence": ("If it does not stop, call\n112. Do not drive.", "112."),
    "asterisks inside numbers": ("Use 2*3 times, never 4*2 at once.", "2*3 times, never 4*2"),
    "angle-bracket text": ("Never more than <no more than 4 g a day>.", "&lt;no more than 4 g"),
    "placeholder-like text": ("Call <your local emergency number>.", "&lt;your local emergency"),
    "an entity as typed": ("Give 2&#48; drops", "2&amp;#48;"),
}


@pytest.mark.parametrize("case", TYPED)
def test_rendering_keeps_every_character_the_writer_typed(case):
    text, shown = TYPED[case]
    html = markdown_html(text)
    assert shown in html, html
    assert "<ol>" not in html and "<em>" not in html


def test_markdown_the_writer_meant_still_renders():
    html = markdown_html("Causes:\n- cold\n- strain\n\n### Night cramps\n\n**Stretch** first.")
    assert "<li>cold</li>" in html and "<h3>Night cramps</h3>" in html
    assert "<strong>Stretch</strong>" in html


def test_the_review_page_shows_the_rendered_text_in_its_language_and_direction(client):
    article = make_topic()
    publish(article, ["en"])
    Article.objects.filter(pk=article.pk).update(what_it_is_ar="اتصل\n112. لا تقد السيارة")
    workflow.record_edits(Article.objects.get(pk=article.pk))
    client.force_login(make_user(roles.REVIEWERS, languages=ALL))
    html = client.get(review_url(article, "ar")).content.decode()
    preview = html[html.index('class="review-preview"') :].split("<h2>")[0]
    assert preview.startswith('class="review-preview" lang="ar" dir="rtl"')
    # Exactly the HTML approval will store: the number continues the sentence.
    expected = registry["topic"].render(
        article.slug, registry["topic"].source_text(Article.objects.get(), "ar")
    )["what_it_is_html"]
    assert expected in preview and "112." in expected and "<ol>" not in expected


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u00ad", "\u2066"])
def test_invisible_format_characters_are_refused_at_save_in_the_admin(client, char):
    article = make_topic()
    editor = make_user(roles.EDITORS)
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(client.get(url))
    data["title_en"] = f"Take 5{char}01 mg"
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "invisible formatting characters" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title_en != data["title_en"]


# 3. Translations are reviewed against the approved English.


def test_translation_review_shows_the_approved_english_not_the_english_draft(client):
    article = make_topic(title="Cramps")
    reviewer = make_user(roles.REVIEWERS, languages=ALL)
    publish(article, ["en"], reviewer=reviewer)
    editor = make_user(roles.EDITORS)
    Article.objects.filter(pk=article.pk).update(title_en="Unreviewed English draft")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=editor)
    client.force_login(reviewer)
    html = client.get(review_url(article, "ru")).content.decode()
    assert "Unreviewed English draft" not in html
    assert "Cramps [en]" in html
    assert "Checked against the approved English version of" in html


def test_a_translation_approved_against_english_that_changed_meanwhile_is_refused(client):
    article = make_topic(title="Cramps")
    reviewer, other = (make_user(roles.REVIEWERS, languages=ALL) for _ in range(2))
    publish(article, ["en"], reviewer=reviewer)
    url = review_url(article, "ru")
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    translator_edits(article, "ru", translator, title_ru="Судороги")
    client.force_login(reviewer)
    seen = client.get(url)
    # The English is re-approved while the Russian page is open.
    editor = make_user(roles.EDITORS)
    Article.objects.filter(pk=article.pk).update(title_en="Cramps, revised")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=editor)
    publish(article, ["en"], reviewer=other, author=editor)
    response = client.post(url, {**hidden_fields(seen), "action": "approve"}, follow=True)
    assert "The text changed since this page was shown to you" in response.content.decode()
    assert not PublishedVersion.objects.live("ru").filter(key=article.slug).exists()


# 4. Four eyes covers everyone who contributed since the last approval.


def test_a_contributor_cannot_approve_after_a_colleague_edits_last(client):
    article = make_topic()
    publish(article, ["en"])
    editor_reviewer = make_user(roles.REVIEWERS, languages=ALL)
    editor_reviewer.groups.add(*roles_groups(roles.EDITORS))
    colleague = make_user(roles.EDITORS)
    Article.objects.filter(pk=article.pk).update(title_en="Take two tablets")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=editor_reviewer)
    Article.objects.filter(pk=article.pk).update(title_en="Take two tablets.")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=colleague)
    workflow.submit(workflow.version_for(article, "en"), by=colleague)

    client.force_login(editor_reviewer)
    response = post_review(client, review_url(article, "en"), {"action": "approve"}, follow=True)
    assert "You contributed to this version" in response.content.decode()
    assert live_title(article.slug, "en") != "Take two tablets."
    # Someone who did not contribute may approve it.
    client.force_login(make_user(roles.REVIEWERS, languages=ALL))
    post_review(client, review_url(article, "en"), {"action": "approve"})
    assert live_title(article.slug, "en") == "Take two tablets."


def roles_groups(name):
    from django.contrib.auth.models import Group

    return [Group.objects.get(name=name)]


def test_load_content_names_an_author_outside_the_demo_who_then_cannot_approve(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="--by USERNAME"):
        call_command("load_content")
    assert not Article.objects.exists()

    settings.DEMO_DATA_ALLOWED = True
    author = make_user(roles.REVIEWERS, languages=ALL)
    author.groups.add(*roles_groups(roles.EDITORS))
    call_command("load_content", by=author.username, verbosity=0)
    version = workflow.version_for(Article.objects.get(slug="leg-cramps"), "en")
    workflow.submit(version, by=make_user(roles.EDITORS))
    with pytest.raises(workflow.WorkflowError, match="You contributed"):
        workflow.approve(version, reviewer=author, shown=workflow.as_shown(version))


# 5. References are reviewed text like the rest.


def test_editing_a_reference_changes_nothing_public_until_approved(client):
    article = make_topic()
    Reference.objects.create(
        article=article,
        publisher="NHS",
        title="Leg cramps",
        url="https://www.nhs.uk/conditions/leg-cramps/",
        language="en",
        checked="2026-12-01",
    )
    workflow.record_edits(article)
    publish(article, ALL)
    editor = make_user(roles.EDITORS)
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(client.get(url))
    data["references-0-title"] = "A renamed source"
    assert client.post(url, data).status_code == 302
    assert Reference.objects.get().title == "A renamed source"
    for language in ALL:
        version = workflow.version_for(article, language)
        assert version.status == "draft" and editor in version.contributors.all()
        payload = PublishedVersion.objects.live(language).get(key=article.slug).payload
        assert payload["references"][0]["title"] == "Leg cramps"


# 7. Withdrawing a region says what else changes; notices are replaced, never withdrawn.


def test_withdrawing_a_region_lists_its_topics_first(client):
    reviewer = make_user(roles.REVIEWERS, languages=ALL)
    region = make_region("chest")
    publish(region, ["en"], reviewer=reviewer)
    article = make_topic("chest-pain", regions=("chest",))
    publish(article, ["en"], reviewer=reviewer)
    client.force_login(reviewer)
    version = workflow.version_for(region, "en")
    url = reverse("admin:reviews_languageversion_review", args=[version.pk])
    page = client.post(url, {"action": "withdraw", "comment": "Recall"})
    assert page.status_code == 200
    assert "chest-pain" in page.content.decode()  # the topics that lose its notice
    assert PublishedVersion.objects.live().filter(kind="region", key="chest").exists()
    post_review(client, url, {"action": "withdraw", "comment": "Recall"})
    assert not PublishedVersion.objects.live().filter(kind="region", key="chest").exists()


def test_the_disclaimer_cannot_be_withdrawn_while_anything_is_live(client):
    reviewer = make_user(roles.REVIEWERS, languages=ALL)
    publish_site_notices(reviewer=reviewer)
    publish(make_topic(), ["en"], reviewer=reviewer)
    from articles.models import SiteNotice

    version = workflow.version_for(SiteNotice.objects.get(key="disclaimer"), "en")
    client.force_login(reviewer)
    url = reverse("admin:reviews_languageversion_review", args=[version.pk])
    response = post_review(client, url, {"action": "withdraw", "comment": "x"}, follow=True)
    assert "Site notices cannot be withdrawn" in response.content.decode()
    assert PublishedVersion.objects.live("en").filter(kind="notice", key="disclaimer").exists()


# 8. Sizes are bounded at save, so the review page's cost is too.


def test_a_huge_field_is_refused_at_save(client):
    article = make_topic()
    client.force_login(make_user(roles.EDITORS))
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(client.get(url))
    data["what_it_is_en"] = "cramp " * 82_000  # ~490 KB
    response = client.post(url, data)
    assert response.status_code == 200
    assert "at most 20000 characters" in response.content.decode().replace(",", "")


def test_the_word_diff_falls_back_to_lines_for_very_long_texts():
    from reviews.diff import MAX_WORDS_FOR_WORD_DIFF, word_diff

    old = "\n".join(["same line"] * 10 + ["word " * (MAX_WORDS_FOR_WORD_DIFF + 1)])
    new = old.replace("same line", "changed line", 1)
    html = word_diff(old, new)
    assert "<del>same line</del>" in html and "<ins>changed line</ins>" in html


# 9. A reviewer's public credit is their own, confirmed, and logged.


def test_a_credit_set_by_a_site_admin_is_not_published_until_its_reviewer_confirms(client):
    reviewer = make_user(roles.REVIEWERS, languages=ALL, credit="Dr Real Name")
    siteadmin = make_user(roles.SITE_ADMINS)
    roles.set_credits(reviewer.staff_profile, {"en": "Dr Fake Cardiologist"}, by=siteadmin)
    article = make_topic()
    version = workflow.submit(workflow.version_for(article, "en"), by=make_user(roles.EDITORS))

    client.force_login(reviewer)
    url = review_url(article, "en")
    response = post_review(client, url, {"action": "approve"}, follow=True)
    assert "not confirmed by you" in response.content.decode()
    assert not PublishedVersion.objects.live().exists()

    credit_url = reverse("admin:reviews_languageversion_credit")
    client.post(credit_url, {"en": "Dr Real Name, neurologist", "ru": "", "es": "", "ar": ""})
    post_review(client, url, {"action": "approve"})
    assert PublishedVersion.objects.live("en").get().reviewer_credit == "Dr Real Name, neurologist"
    changes = AuditEntry.objects.filter(action=AuditEntry.Action.CREDIT).order_by("pk")
    assert [entry.details["confirmed_by_owner"] for entry in changes] == [False, True]
    assert changes[0].actor == siteadmin and changes[0].details["new"] == {
        "en": "Dr Fake Cardiologist"
    }
    assert version.key == article.slug


def test_approving_with_no_credit_at_all_is_refused():
    reviewer = make_user(roles.REVIEWERS, languages=ALL, credit=" ")
    reviewer.staff_profile.public_credit_en = ""
    reviewer.staff_profile.save()
    roles.confirm_credit(reviewer.staff_profile)
    article = make_topic()
    version = workflow.submit(workflow.version_for(article, "en"), by=make_user(roles.EDITORS))
    with pytest.raises(workflow.WorkflowError, match="public credit"):
        workflow.approve(version, reviewer=reviewer, shown=workflow.as_shown(version))


def test_a_notice_translation_that_drops_a_placeholder_cannot_be_submitted():
    from articles.models import SiteNotice

    notice = SiteNotice.objects.create(
        key="reviewed_by",
        text_en="Medically reviewed by {credit} on {approved}, next review due {due}.",
        text_ru="Проверено врачом {approved}, следующая проверка {due}.",  # no {credit}
    )
    workflow.record_edits(notice)
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    with pytest.raises(workflow.WorkflowError, match="placeholders must be exactly"):
        workflow.submit(workflow.version_for(notice, "ru"), by=translator)

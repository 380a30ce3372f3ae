"""The content rules (articles.content_checks, the module the content tests use) at work:
listed on the review page beside the diff, said at an admin save, reported by the
loader; a new blocking finding needs a typed reason to approve, kept in the audit log."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, ReliefMeasure, WarningSign
from audit.models import AuditEntry
from reviews import workflow
from reviews.models import PublishedVersion
from staff import roles

from .support.admin_forms import change_form_data
from .support.content_files import write_content
from .support.factories import make_topic, make_user, publish

pytestmark = pytest.mark.django_db


def review_url(version):
    return reverse("admin:reviews_languageversion_review", args=[version.pk])


@pytest.fixture
def russian_with_a_wrong_tier():
    """An emergency sign whose Russian words say "book an appointment"."""
    reviewer = make_user(roles.REVIEWERS, languages=["en", "ru"])
    article = make_topic(title="Cramps", languages=["en"])
    WarningSign.objects.filter(article=article).update(
        text_en="Call the emergency number now if you cannot breathe."
    )
    publish(article, ["en"], reviewer=reviewer)
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    Article.objects.filter(pk=article.pk).update(
        title_ru="Судороги", summary_ru="Кратко", what_it_is_ru="Что это"
    )
    WarningSign.objects.filter(article=article).update(text_ru="Запишитесь на приём к врачу.")
    ReliefMeasure.objects.filter(article=article).update(title_ru="Лекарство")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=translator)
    version = workflow.submit(workflow.version_for(article, "ru"), by=translator)
    return article, version, make_user(roles.REVIEWERS, languages=["ru"])


def test_the_review_page_lists_findings_and_a_blocking_one_needs_a_reason(
    client, russian_with_a_wrong_tier
):
    article, version, reviewer = russian_with_a_wrong_tier
    client.force_login(reviewer)
    page = client.get(review_url(version))
    html = page.content.decode()
    checks = html[html.index("Content checks</h2>") : html.index("What changed against")]
    assert "Blocking" in checks and "Warning signs 1: text" in checks
    assert "an emergency sign must tell the reader to call the emergency number" in checks
    assert 'name="override_reason"' in html

    form = page.context["form"]
    hidden = {name: form[name].value() or "" for name in ("fingerprint", "english_fingerprint")}
    refused = client.post(review_url(version), {**hidden, "action": "approve"})
    assert refused.status_code == 200
    assert "type why you approve it anyway" in refused.content.decode()
    assert not PublishedVersion.objects.live("ru").exists()

    reason = "Wording agreed with the NHS page; the translator fixes the tier next week."
    approved = client.post(
        review_url(version), {**hidden, "action": "approve", "override_reason": reason}
    )
    assert approved.status_code == 302
    assert PublishedVersion.objects.live("ru").get(key=article.slug)
    entry = AuditEntry.objects.get(action="approve", language="ru", key=article.slug)
    assert entry.details["override_reason"] == reason
    assert any("sign-tier" in text or "tier" in text for text in entry.details["blocking_findings"])


def test_a_finding_already_approved_is_listed_but_needs_no_new_reason(
    client, russian_with_a_wrong_tier
):
    article, version, reviewer = russian_with_a_wrong_tier
    other = make_user(roles.REVIEWERS, languages=["ru"])
    workflow.approve(version, reviewer=other, shown=workflow.as_shown(version))
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    Article.objects.filter(pk=article.pk).update(title_ru="Судороги мышц")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=translator)
    version = workflow.submit(workflow.version_for(article, "ru"), by=translator)
    client.force_login(reviewer)
    page = client.get(review_url(version))
    assert "already in the approved version" in page.content.decode()
    assert "override_reason" not in page.context["form"].fields


def test_an_admin_save_says_what_the_content_rules_find(client):
    article = make_topic(title="Cramps")
    editor = make_user(roles.EDITORS)
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(client.get(url))
    data["title_en"] = "Cramps and quinine tablets"
    response = client.post(url, data, follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any("Content checks:" in message and "blocking" in message for message in messages)


def test_the_loader_reports_what_the_content_rules_find(tmp_path, capsys, settings):
    settings.DEMO_DATA_ALLOWED = True
    folder = write_content(tmp_path)
    call_command("load_content", str(folder))
    output = capsys.readouterr()
    assert "content rule: topic leg-cramps:" in output.out
    assert "content rule finding(s)" in output.out

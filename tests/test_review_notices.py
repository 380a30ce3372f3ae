"""Review notices by e-mail (issue 21, item 4), received by a real SMTP server on
loopback: who hears of a submission, a request for changes, an English change and a
withdrawal; reviews falling due; immediate mail or a daily digest; nothing for inactive
accounts; links to the admin page; the recipient's own language. A stopped or hung mail
server neither fails nor holds the reviewer's action: the notices wait in the table and
are sent by the sender thread once the server answers, or by the retry run."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from reviews import notice_mail, workflow
from reviews.models import Notification, PublishedVersion
from staff import roles
from staff.models import StaffProfile

from .support.admin_forms import post_review
from .support.factories import LANGUAGES, make_topic, make_user, publish

pytestmark = pytest.mark.django_db


def person(role, languages=(), *, mail="immediate", language="en", active=True):
    user = make_user(role, languages=languages)
    user.email = f"{user.username}@example.org"
    user.is_active = active
    user.save()
    StaffProfile.objects.filter(user=user).update(mail=mail, interface_language=language)
    return user


def edit(article, language, by, **changes):
    Article.objects.filter(pk=article.pk).update(**changes)
    workflow.record_edits(Article.objects.get(pk=article.pk), by=by)


@pytest.fixture
def team():
    return {
        "ru_reviewer": person(roles.REVIEWERS, ["ru"], language="ru"),
        "es_reviewer": person(roles.REVIEWERS, ["es"], language="es"),
        "all_reviewer": person(roles.REVIEWERS, LANGUAGES),
        "gone": person(roles.REVIEWERS, ["ru"], active=False),
        "translator": person(roles.TRANSLATORS, ["ru"], language="ru"),
        "ar_translator": person(roles.TRANSLATORS, ["ar"], mail="digest", language="ar"),
        "editor": person(roles.EDITORS),
    }


def test_a_submission_tells_the_qualified_reviewers_who_did_not_contribute(
    settings, smtp_server, team, client
):
    settings.STAFF_SITE_URL = "http://testserver-staff"
    article = make_topic(title="Cramps")
    publish(article, ["en", "ru"], reviewer=team["all_reviewer"])
    edit(article, "ru", team["translator"], title_ru="Судороги")
    smtp_server.clear()
    client.force_login(team["translator"])
    version = workflow.version_for(article, "ru")
    url = reverse("admin:reviews_languageversion_review", args=[version.pk])
    post_review(client, url, {"action": "submit"})
    told = sorted(address for mail in smtp_server.messages for address in mail.envelope_to)
    assert told == sorted([team["ru_reviewer"].email, team["all_reviewer"].email])
    [russian] = smtp_server.to(team["ru_reviewer"].email)
    assert "отправлено на проверку" in russian.body  # in the reviewer's language
    assert f"http://testserver-staff/admin/reviews/languageversion/{version.pk}/review/" in (
        russian.body
    )
    assert not smtp_server.to(team["gone"].email)  # inactive: nothing


def test_changes_requested_tells_the_contributors(smtp_server, team, client):
    article = make_topic(title="Cramps")
    publish(article, ["en"], reviewer=team["all_reviewer"])
    edit(article, "ru", team["translator"], title_ru="Судороги")
    version = workflow.submit(workflow.version_for(article, "ru"), by=team["translator"])
    smtp_server.clear()
    client.force_login(team["ru_reviewer"])
    url = reverse("admin:reviews_languageversion_review", args=[version.pk])
    post_review(client, url, {"action": "request_changes", "comment": "Уточните заголовок"})
    [mail] = smtp_server.messages
    assert mail.envelope_to == [team["translator"].email]
    assert "Уточните заголовок" in mail.body


def test_english_approved_with_changes_tells_the_translators_of_outdated_languages(
    smtp_server, team
):
    article = make_topic(title="Cramps")
    publish(article, ["en", "ru", "ar"], reviewer=team["all_reviewer"])
    edit(article, "en", team["editor"], title_en="Muscle cramps")
    version = workflow.submit(workflow.version_for(article, "en"), by=team["editor"])
    smtp_server.clear()
    workflow.approve(version, reviewer=team["all_reviewer"], shown=workflow.as_shown(version))
    # Immediate for the Russian translator; the Arabic one chose the daily digest.
    assert [mail.envelope_to for mail in smtp_server.messages] == [[team["translator"].email]]
    assert "устарел" in smtp_server.messages[0].body
    call_command("send_review_digest", verbosity=0)
    [digest] = smtp_server.to(team["ar_translator"].email)
    assert "الإنجليزية" in digest.body  # Arabic
    assert Notification.objects.filter(sent_at=None).count() == 0


def test_a_withdrawal_tells_everyone_who_contributed(smtp_server, team):
    article = make_topic(title="Cramps")
    publish(article, ["en", "ru"], reviewer=team["all_reviewer"], author=None)
    edit(article, "ru", team["translator"], title_ru="Судороги")
    workflow.submit(workflow.version_for(article, "ru"), by=team["translator"])
    smtp_server.clear()
    workflow.withdraw("topic", article.slug, by=team["all_reviewer"], reason="unsafe advice")
    told = {address for mail in smtp_server.messages for address in mail.envelope_to}
    assert team["translator"].email in told
    assert team["all_reviewer"].email not in told  # not the person who withdrew it
    assert all("unsafe advice" in mail.body for mail in smtp_server.messages)


def test_reviews_due_within_30_days_reach_the_reviewers_once_in_their_digest(smtp_server, team):
    article = make_topic(title="Cramps")
    publish(article, ["en", "es"], reviewer=team["all_reviewer"])
    StaffProfile.objects.filter(user=team["es_reviewer"]).update(mail="digest")
    PublishedVersion.objects.live("es").update(
        next_review_due=timezone.localdate() + timedelta(days=12)
    )
    smtp_server.clear()
    call_command("send_review_digest", verbosity=0)
    [digest] = smtp_server.to(team["es_reviewer"].email)
    assert "revisión" in digest.subject.lower() or "revisión" in digest.body
    assert article.slug in digest.body
    smtp_server.clear()
    call_command("send_review_digest", verbosity=0)
    assert not smtp_server.to(team["es_reviewer"].email)  # told once


def test_an_unreachable_mail_server_loses_nothing_and_the_digest_retries(
    settings, smtp_server, team
):
    article = make_topic(title="Cramps")
    publish(article, ["en"], reviewer=team["all_reviewer"])
    edit(article, "ru", team["translator"], title_ru="Судороги")
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    workflow.submit(workflow.version_for(article, "ru"), by=team["translator"])
    assert workflow.version_for(article, "ru").status == "submitted"
    assert Notification.objects.filter(sent_at=None).count() == 2
    settings.EMAIL_PORT = port
    smtp_server.clear()
    call_command("send_review_digest", verbosity=0)
    assert smtp_server.to(team["ru_reviewer"].email)
    assert Notification.objects.filter(sent_at=None).count() == 0


def test_each_person_chooses_digest_and_language_on_their_notices_page(client, team):
    client.force_login(team["ru_reviewer"])
    url = reverse("admin:reviews_languageversion_notices")
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": page.context["csrf_token"],
            "mail": "digest",
            "interface_language": "es",
        },
    )
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user=team["ru_reviewer"])
    assert (profile.mail, profile.interface_language) == ("digest", "es")
    bad = client.post(url, {"mail": "hourly", "interface_language": "xx"})
    assert bad.status_code == 200 and bad.context["form"].errors


def submit_over_http(client, article, translator):
    edit(article, "ru", translator, title_ru="Судороги")
    client.force_login(translator)
    version = workflow.version_for(article, "ru")
    url = reverse("admin:reviews_languageversion_review", args=[version.pk])
    return post_review(client, url, {"action": "submit"})


def test_a_stopped_mail_server_neither_fails_the_action_nor_loses_its_mail(
    smtp_server, team, client
):
    article = make_topic(title="Cramps")
    publish(article, ["en", "ru"], reviewer=team["all_reviewer"])
    smtp_server.clear()
    smtp_server.stop()
    response = submit_over_http(client, article, team["translator"])
    assert response.status_code == 302
    assert workflow.version_for(article, "ru").status == "submitted"
    waiting = Notification.objects.filter(sent_at=None)
    assert waiting.count() == 2 and not smtp_server.messages
    smtp_server.start()
    call_command("send_review_digest", "--retry", verbosity=0)
    assert not smtp_server.messages  # young notices are left to their first sending
    waiting.update(created_at=timezone.now() - notice_mail.RETRY_AFTER)
    call_command("send_review_digest", "--retry", verbosity=0)
    told = sorted(address for mail in smtp_server.messages for address in mail.envelope_to)
    assert told == sorted([team["ru_reviewer"].email, team["all_reviewer"].email])
    assert not Notification.objects.filter(sent_at=None).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hung_mail_server_does_not_hold_the_request_and_gets_the_mail_later(
    settings, smtp_server, team, client
):
    settings.EMAIL_TIMEOUT = 60
    article = make_topic(title="Cramps")
    publish(article, ["en", "ru"], reviewer=team["all_reviewer"])
    settings.REVIEW_MAIL_IN_BACKGROUND = True  # as in production
    smtp_server.clear()
    smtp_server.stall()
    before = smtp_server.connections
    response = submit_over_http(client, article, team["translator"])
    # The request has returned while the server still has not greeted the sender: it
    # never waited for the mail. (Nothing here touches the database until the sender is
    # connected: SQLite's in-memory test database refuses concurrent table locks.)
    assert response.status_code == 302
    assert smtp_server.wait_for(connections=before + 1)
    assert workflow.version_for(article, "ru").status == "submitted"
    assert Notification.objects.filter(sent_at=None).count() == 2
    smtp_server.answer()
    assert smtp_server.wait_for(messages=2)
    notice_mail._sender.submit(lambda: None).result(timeout=60)  # the send is done
    assert not Notification.objects.filter(sent_at=None).exists()

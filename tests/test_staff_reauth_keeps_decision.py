"""Issue 19, item 5: signing in again keeps the pending action and comment and says what
happens next; the re-authentication window counts from the last sensitive action.

The reviewer signs in through the login form and acts on the review page as a browser
does (CSRF token, the form's hidden fingerprints); "the window ran out" is set in the
session, not waited for."""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from articles.models import Article
from audit.models import AuditEntry
from reviews import workflow
from reviews.models import PublishedVersion
from staff import roles
from staff.security import SIGNED_IN_AT

from .support.browser_forms import BrowserForm, csrf_client
from .support.factories import make_topic, make_user, publish

pytestmark = pytest.mark.django_db


def sign_in(client, user, next_url):
    login_url = reverse("admin:login") + f"?next={next_url}"
    page = client.get(login_url)
    form = BrowserForm.from_response(page, url=login_url, form_id="login-form")
    form.set("username", user.username).set("password", "pw")
    response = form.post(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def set_last_sensitive_action(client, seconds_ago):
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - seconds_ago
    session.save()


@pytest.fixture
def submitted_english():
    article = make_topic(title="Night cramps")
    publish(article, ["en"])
    editor = make_user(roles.EDITORS, languages=["en"])
    Article.objects.filter(pk=article.pk).update(title_en="Night-time cramps")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=editor)
    return workflow.submit(workflow.version_for(article, "en"), by=editor)


def test_signing_in_again_keeps_the_decision_and_comment(submitted_english):
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    url = reverse("admin:reviews_languageversion_review", args=[submitted_english.pk])
    client = csrf_client()
    sign_in(client, reviewer, url)
    form = BrowserForm.from_response(client.get(url), url=url, form_class="review-actions")
    form.set("action", "approve").set("comment", "Checked against NICE CKS,\nall fine.")
    set_last_sensitive_action(client, settings.STAFF_REAUTH_SECONDS + 60)

    to_login = form.post(client)

    assert to_login.status_code == 302 and to_login.url.startswith(reverse("admin:login"))
    live = PublishedVersion.objects.live("en").get(key=submitted_english.key)
    assert live.payload["title"] == "Night cramps [en]"
    login_page = client.get(to_login.url)
    assert "your choice and your comment filled in" in login_page.content.decode()

    back = sign_in(client, reviewer, url)
    assert back.url == url
    page = client.get(url)
    html = page.content.decode()
    assert "Your choice (Approve and publish) and your comment are filled in below" in html
    again = BrowserForm.from_response(page, url=url, form_class="review-actions")
    assert again["action"] == "approve"
    assert again["comment"] == "Checked against NICE CKS,\r\nall fine."
    assert not AuditEntry.objects.filter(action="approve", comment__contains="NICE").exists()

    assert again.post(client).status_code == 302
    live = PublishedVersion.objects.live("en").get(key=submitted_english.key)
    assert live.payload["title"] == "Night-time cramps"
    assert AuditEntry.objects.filter(
        action="approve", key=submitted_english.key, actor=reviewer
    ).get().comment == ("Checked against NICE CKS,\r\nall fine.")


def test_the_window_counts_from_the_last_sensitive_action(submitted_english):
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    url = reverse("admin:reviews_languageversion_review", args=[submitted_english.pk])
    client = csrf_client()
    sign_in(client, reviewer, url)
    # Signed in almost a whole window ago: the approval passes and renews the window.
    set_last_sensitive_action(client, settings.STAFF_REAUTH_SECONDS - 5)
    form = BrowserForm.from_response(client.get(url), url=url, form_class="review-actions")
    before = int(time.time())
    assert form.set("action", "approve").post(client).status_code == 302
    assert PublishedVersion.objects.live("en").get(key=submitted_english.key)
    assert client.session[SIGNED_IN_AT] >= before


def test_signing_in_again_keeps_a_pending_role_change_on_the_user_form_unsaved():
    """The other sensitive forms that ask for a fresh sign-in: a staff member's change
    form (roles, languages, activation) and a group's. Their posted change comes back
    filled in after the sign-in, and nothing is saved until the form is saved; a typed
    password is never kept."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    translator = make_user(roles.TRANSLATORS, languages=["ru"], username="olga")
    url = reverse("admin:auth_user_change", args=[translator.pk])
    client = csrf_client()
    sign_in(client, boss, url)
    form = BrowserForm.from_response(client.get(url), url=url, form_id="user_form")
    editors = str(Group.objects.get(name=roles.EDITORS).pk)
    form.fields.append(("groups", editors))
    form.set("first_name", "Olga").set("staff_profile-0-translation_languages", "es")
    form.fields.append(("staff_profile-0-translation_languages", "ru"))
    set_last_sensitive_action(client, settings.STAFF_REAUTH_SECONDS + 60)

    refused = form.post(client)
    assert refused.status_code == 302 and refused["Location"].startswith("/admin/login/")
    translator.refresh_from_db()
    assert translator.first_name == "" and not translator.groups.filter(pk=editors).exists()

    sign_in(client, boss, url)
    page = client.get(url)
    html = page.content.decode()
    assert "the changes you had made are filled in" in html
    again = BrowserForm.from_response(page, url=url, form_id="user_form")
    assert again["first_name"] == "Olga"
    assert editors in again.data()["groups"]
    assert set(again.data()["staff_profile-0-translation_languages"]) == {"es", "ru"}
    translator.refresh_from_db()
    assert translator.first_name == ""  # nothing saved yet

    assert again.post(client).status_code == 302
    translator.refresh_from_db()
    assert translator.first_name == "Olga" and translator.groups.filter(pk=editors).exists()
    assert sorted(translator.staff_profile.translation_languages) == ["es", "ru"]
    # Shown once: the next visit shows the stored account.
    assert "the changes you had made" not in client.get(url).content.decode()


def test_a_password_typed_before_the_sign_in_is_not_kept(client):
    from staff.security import PENDING_ACTION

    editor = make_user(roles.EDITORS)
    client.force_login(editor)
    set_last_sensitive_action(client, settings.STAFF_REAUTH_SECONDS + 60)
    url = reverse("admin:auth_user_password_change", args=[editor.pk])
    response = client.post(url, {"password1": "Secret-new-1", "password2": "Secret-new-1"})
    assert response.status_code == 302
    kept = client.session[PENDING_ACTION]["data"]
    assert not any("password" in name for name in kept)

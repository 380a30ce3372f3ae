"""Every staff sign-in needs a second factor under production settings (an authenticator
app's code or a single-use recovery code), approving and withdrawing need a recent
sign-in, and staff sessions last hours, not 14 days."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import F
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article
from reviews import workflow
from reviews.models import PublishedVersion
from staff import enrolment, roles
from staff import security as staff_security

from .support.admin_forms import post_review
from .support.factories import make_topic, make_user, publish
from .test_review_admin import review_url
from .test_settings import GOOD_KEY, run_manage

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
production_like = override_settings(STAFF_OTP_REQUIRED=True)


def enrol(user) -> list[str]:
    """An enrolled app and recovery codes, as the owner's enrolment page makes them
    (staff/enrolment.py; over HTTP in tests/test_staff_enrolment.py); returns the codes."""
    device = TOTPDevice.objects.create(user=user, name=enrolment.APP_DEVICE, confirmed=True)
    return enrolment._make_recovery_codes(device.user)


def app_code(user) -> str:
    """The code the person's authenticator app shows now (from the device's key)."""
    device = TOTPDevice.objects.get(user=user)
    return TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()


def sign_in(client, user, **extra):
    data = {"username": user.username, "password": "pw", **extra}
    return client.post(LOGIN, data, REMOTE_ADDR="198.51.100.20")


def in_admin(client) -> bool:
    return client.get("/admin/").status_code == 200


@production_like
def test_password_only_staff_login_is_refused():
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    client = Client()
    # No device yet: the password opens the enrolment page only (staff/enrolment.py,
    # tests/test_staff_enrolment.py), never the admin.
    sign_in(client, reviewer)
    assert not in_admin(client)
    assert client.get("/admin/", follow=True).redirect_chain[-1][0] == "/admin/second-factor/"
    client = Client()

    enrol(reviewer)
    response = sign_in(client, reviewer)
    assert response.status_code == 200
    assert not in_admin(client)
    response = sign_in(client, reviewer, otp_token="000000")
    assert not in_admin(client)


@production_like
def test_password_and_a_valid_app_code_sign_in():
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    enrol(reviewer)
    client = Client()
    response = sign_in(client, reviewer, otp_token=f"{int(app_code(reviewer)):06d}")
    assert response.status_code == 302
    assert in_admin(client)


@production_like
def test_a_recovery_code_works_once():
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    codes = enrol(reviewer)
    assert len(codes) == 10 and len(set(codes)) == 10
    client = Client()
    assert sign_in(client, reviewer, otp_token=codes[0]).status_code == 302
    assert in_admin(client)
    client.post("/admin/logout/")
    assert not in_admin(client)
    assert sign_in(client, reviewer, otp_token=codes[0]).status_code == 200
    assert not in_admin(client)
    # django-otp throttles the next try for 1 s after a failure: that second passes
    # (the failure is dated back), with no waiting on the clock.
    StaticDevice.objects.filter(user=reviewer).update(
        throttling_failure_timestamp=F("throttling_failure_timestamp") - timedelta(seconds=2)
    )
    assert sign_in(client, reviewer, otp_token=codes[1]).status_code == 302


@production_like
def test_translators_reach_interface_strings_only_with_the_second_factor():
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    client = Client()
    client.force_login(translator)  # a password-only session
    assert client.get("/admin/strings/files/project/").status_code in (302, 403)
    assert not in_admin(client)


def test_dev_settings_let_users_without_a_device_in_but_not_users_with_one():
    assert settings.STAFF_OTP_REQUIRED is False  # test settings, like `make run`
    demo = make_user(roles.EDITORS)
    client = Client()
    assert sign_in(client, demo).status_code == 302
    assert in_admin(client)

    enrolled = make_user(roles.REVIEWERS, languages=["en"])
    enrol(enrolled)
    other = Client()
    assert sign_in(other, enrolled).status_code == 200
    assert not in_admin(other)


def test_production_settings_always_require_the_second_factor():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s;"
        "print(s.STAFF_OTP_REQUIRED, s.STAFF_REAUTH_SECONDS, s.SESSION_COOKIE_AGE)",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    assert result.stdout.splitlines()[-1].split() == ["True", "900", "28800"], result.stderr


def test_staff_sessions_last_hours_not_two_weeks():
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    client = Client()
    sign_in(client, make_user(roles.EDITORS))
    assert int(client.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) <= 12 * 60 * 60


def submitted_russian(reviewer):
    article = make_topic(title="Cramps")
    publish(article, ["en", "ru"], reviewer=reviewer)
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    Article.objects.filter(pk=article.pk).update(title_ru="Судороги мышц")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=translator)
    workflow.submit(workflow.version_for(article, "ru"), by=translator)
    return article


def age_sign_in(client, seconds):
    session = client.session
    session[staff_security.SIGNED_IN_AT] = int(time.time()) - seconds
    session.save()


@pytest.mark.parametrize("action", ["approve", "withdraw"])
@override_settings(STAFF_REAUTH_SECONDS=600)
def test_approving_and_withdrawing_need_a_recent_sign_in(client, action):
    reviewer = make_user(roles.REVIEWERS, languages=["en", "ru"])
    article = submitted_russian(reviewer)
    # Four eyes: someone else approves; withdrawing is for reviewers and site admins.
    other = make_user(roles.REVIEWERS, languages=["en", "ru"])
    client.force_login(other)
    age_sign_in(client, 601)
    data = {"action": action, "comment": "reason"}
    response = post_review(client, review_url(article, "ru"), {**data, "confirmed": "True"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    assert PublishedVersion.objects.live("ru").get(key=article.slug).payload["title"] == (
        "Cramps [ru]"
    )
    assert not in_admin(client)  # signed out; a new sign-in is needed

    client.force_login(other)  # signs in again: fresh
    response = post_review(client, review_url(article, "ru"), data)
    assert response.status_code == 302 and "/login/" not in response["Location"]
    live = PublishedVersion.objects.live("ru").filter(key=article.slug)
    if action == "approve":
        assert live.get().payload["title"] == "Судороги мышц"
    else:
        assert not live.exists()

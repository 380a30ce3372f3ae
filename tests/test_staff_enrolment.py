"""Issue 19, item 7 (second half) and item 2 of session 2: devices and codes are made only
by their owner after signing in, and credential-change audit entries name the person
who ACTED, with the owner as the subject.

Over HTTP through the admin, as a browser posts (CSRF tokens, hidden fields), under
production's "second factor required"; mail through the real SMTP server on loopback."""

import base64
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from staff import roles
from staff import security as staff_security

from .support.browser_forms import BrowserForm, csrf_client
from .support.factories import make_user

pytestmark = pytest.mark.django_db

production_like = override_settings(STAFF_OTP_REQUIRED=True)
PAGE = "/admin/second-factor/"


def sign_in(client, username, code=""):
    url = reverse("admin:login") + "?next=/admin/"
    form = BrowserForm.from_response(client.get(url), url=url, form_id="login-form")
    form.set("username", username).set("password", "pw").set("otp_token", code)
    return form.post(client, REMOTE_ADDR="198.51.100.30")


def secret_on(page) -> str:
    text = re.search(r'id="totp-secret">([A-Z2-7 ]+)</code>', page.content.decode())[1]
    return "".join(text.split())


def code_for(secret: str, *, steps_ago: int = 0) -> str:
    totp = TOTP(base64.b32decode(secret), step=30, t0=0, digits=6)
    totp.drift = -steps_ago
    return f"{totp.token():06d}"


def recovery_codes_on(page) -> list[str]:
    block = re.search(r'id="recovery-codes">(.*?)</div>', page.content.decode(), re.S)
    return re.findall(r"<code>([^<]+)</code>", block[1]) if block else []


def enrol_through_the_page(client, name="my phone"):
    page = client.get(PAGE)
    secret = secret_on(page)
    form = BrowserForm.from_response(page, url=PAGE, form_id="enrol-form")
    form.set("name", name).set("code", code_for(secret))
    return secret, form.post(client)


def credential_entries():
    return list(
        AuditEntry.objects.filter(action="credentials")
        .order_by("pk")
        .values_list("actor__username", "details__user", "comment")
    )


@production_like
def test_a_new_staff_member_with_a_password_reaches_only_the_enrolment_page_and_enrols(
    smtp_server,
):
    newcomer = make_user(roles.EDITORS)
    # The account's address is set up before the story begins (not an audited change).
    get_user_model().objects.filter(pk=newcomer.pk).update(email="newcomer@example.org")
    newcomer.refresh_from_db()
    smtp_server.clear()
    client = csrf_client()

    assert sign_in(client, newcomer.username).status_code == 302
    # Every admin page sends them to the enrolment page, and only there.
    for url in ("/admin/", "/admin/auth/user/", "/admin/reviews/languageversion/queue/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == PAGE, url
    page = client.get(PAGE)
    assert page.status_code == 200
    assert page["Cache-Control"].count("no-store") == 1
    html = page.content.decode()
    assert "<svg" in html and "otpauth" not in html  # a QR code, drawn here; no address
    assert len(secret_on(page)) == 32

    # A wrong code saves nothing.
    form = BrowserForm.from_response(page, url=PAGE, form_id="enrol-form")
    right = code_for(secret_on(page))
    form.set("code", "000000" if right != "000000" else "111111")
    answer = form.post(client)
    assert answer.status_code == 200 and "not the code your app shows" in answer.content.decode()
    assert not TOTPDevice.objects.filter(user=newcomer).exists()

    secret, answer = enrol_through_the_page(client)
    assert answer.status_code == 200
    codes = recovery_codes_on(answer)
    assert len(codes) == 10 and len(set(codes)) == 10
    device = TOTPDevice.objects.get(user=newcomer)
    assert device.confirmed and device.name == "my phone"
    assert base64.b32encode(device.bin_key).decode() == secret
    # The session is now signed in with the device; the codes are never shown again.
    assert client.get("/admin/").status_code == 200
    assert recovery_codes_on(client.get(PAGE)) == []

    assert credential_entries() == [
        (newcomer.username, newcomer.username, "authenticator app added: my phone"),
        (newcomer.username, newcomer.username, "recovery codes made"),
    ]
    subjects = [mail.subject for mail in smtp_server.to("newcomer@example.org")]
    assert any("authenticator app added" in subject for subject in subjects)
    assert any("recovery codes made" in subject for subject in subjects)

    # From now on the password alone is not enough; a recovery code is.
    other = csrf_client()
    assert sign_in(other, newcomer.username).status_code == 200
    assert other.get(PAGE).status_code == 302
    assert sign_in(other, newcomer.username, code=codes[0]).status_code == 302
    assert other.get("/admin/").status_code == 200


@production_like
def test_a_password_only_session_of_someone_with_a_device_gets_nothing():
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    client = csrf_client()
    client.force_login(reviewer)  # a password-only session
    assert client.get(PAGE).status_code == 302
    assert client.get("/admin/", follow=True).redirect_chain[-1][0].startswith("/admin/login/")


def test_nobody_enrols_or_sees_a_device_of_someone_else(smtp_server):
    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    reviewer_device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    recovery = StaticDevice.objects.create(user=reviewer, name="codes", confirmed=True)
    recovery.token_set.create(token="reviewer1")
    client = csrf_client()
    client.force_login(boss)

    # The page acts on the signed-in person only, whatever a forged POST names.
    page = client.get(PAGE)
    form = BrowserForm.from_response(page, url=PAGE, form_id="enrol-form")
    form.set("code", code_for(secret_on(page)))
    form.fields += [("user", str(reviewer.pk)), ("user_id", str(reviewer.pk))]
    assert form.post(client).status_code == 200
    assert list(TOTPDevice.objects.filter(user=reviewer)) == [reviewer_device]
    assert TOTPDevice.objects.filter(user=boss).count() == 1
    # Nor does it remove someone else's app.
    remove = BrowserForm.from_response(client.get(PAGE), url=PAGE, form_id="recovery-form")
    remove.set("action", "remove").set("device", str(reviewer_device.pk))
    assert "not one of yours" in remove.post(client).content.decode()
    assert TOTPDevice.objects.filter(pk=reviewer_device.pk).exists()

    # The admin's device pages never show another person's key or codes.
    for name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        assert client.get(reverse(name, args=[reviewer_device.pk])).status_code == 403
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[reviewer_device.pk]))
    assert reviewer_device.key not in change.content.decode()
    change = client.get(reverse("admin:otp_static_staticdevice_change", args=[recovery.pk]))
    assert "reviewer1" not in change.content.decode()
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403


def test_revocation_and_deactivation_name_the_administrator_as_actor_and_the_owner_as_subject(
    smtp_server,
):
    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    reviewer.email = "reviewer@example.org"
    reviewer.save()
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    recovery = StaticDevice.objects.create(user=reviewer, name="codes", confirmed=True)
    for n in range(3):
        recovery.token_set.create(token=f"code{n}")
    before = len(credential_entries())
    smtp_server.clear()
    client = csrf_client()
    client.force_login(boss)

    for url in (
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]),
        reverse("admin:otp_static_staticdevice_delete", args=[recovery.pk]),
    ):
        assert BrowserForm.from_response(client.get(url), url=url).post(client).status_code == 302
    url = reverse("admin:auth_user_change", args=[reviewer.pk])
    form = BrowserForm.from_response(client.get(url), url=url, form_id="user_form")
    form.fields = [(key, value) for key, value in form.fields if key != "is_active"]
    assert form.post(client).status_code == 302
    changelist = reverse("admin:auth_user_changelist")
    form = BrowserForm.from_response(
        client.get(changelist), url=changelist, form_id="changelist-form"
    )
    form.set("action", "send_password_reset_link")
    form.fields.append(("_selected_action", str(reviewer.pk)))
    assert form.post(client).status_code == 302

    # One entry per change (the revoked codes are not listed one by one), each by boss.
    assert credential_entries()[before:] == [
        ("boss", reviewer.username, "TOTP device removed"),
        ("boss", reviewer.username, "static device removed"),
        ("boss", reviewer.username, "account deactivated"),
        ("boss", reviewer.username, "password reset link sent"),
    ]
    assert all(
        entry.details["by"] == "boss"
        for entry in AuditEntry.objects.filter(action="credentials").order_by("pk")[before:]
    )
    mails = smtp_server.to("reviewer@example.org")
    deactivated = next(mail for mail in mails if "account deactivated" in mail.subject)
    assert "made by: boss" in deactivated.body


@production_like
def test_new_recovery_codes_replace_the_old_ones_and_are_audited_once(smtp_server):
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    reviewer.email = "reviewer@example.org"
    reviewer.save()
    client = csrf_client()
    assert sign_in(client, reviewer.username).status_code == 302
    _secret, answer = enrol_through_the_page(client)
    old = recovery_codes_on(answer)
    before = len(credential_entries())

    form = BrowserForm.from_response(client.get(PAGE), url=PAGE, form_id="recovery-form")
    new = recovery_codes_on(form.post(client))
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert credential_entries()[before:] == [
        (reviewer.username, reviewer.username, "recovery codes replaced")
    ]
    assert any(
        "recovery codes replaced" in mail.subject for mail in smtp_server.to("reviewer@example.org")
    )
    other = csrf_client()
    assert sign_in(other, reviewer.username, code=old[0]).status_code == 200
    StaticDevice.objects.filter(user=reviewer).update(
        throttling_failure_timestamp=F("throttling_failure_timestamp") - timedelta(seconds=2)
    )
    assert sign_in(other, reviewer.username, code=new[0]).status_code == 302


def test_enrolling_after_the_reauthentication_window_keeps_the_typed_name(settings):
    settings.STAFF_REAUTH_SECONDS = 60
    editor = make_user(roles.EDITORS)
    client = csrf_client()
    client.force_login(editor)
    page = client.get(PAGE)
    session = client.session
    session[staff_security.SIGNED_IN_AT] -= 3600
    session.save()

    form = BrowserForm.from_response(page, url=PAGE, form_id="enrol-form")
    form.set("name", "work phone").set("code", code_for(secret_on(page)))
    answer = form.post(client)
    assert answer.status_code == 302 and answer["Location"].startswith("/admin/login/")
    assert not TOTPDevice.objects.filter(user=editor).exists()

    assert sign_in(client, editor.username).status_code == 302
    page = client.get(PAGE)
    html = page.content.decode()
    assert 'value="work phone"' in html and "You signed in again" in html
    form = BrowserForm.from_response(page, url=PAGE, form_id="enrol-form")
    form.set("code", code_for(secret_on(page)))
    assert recovery_codes_on(form.post(client))
    assert TOTPDevice.objects.get(user=editor).name == "work phone"


def test_a_new_account_gets_no_password_its_administrator_knows(smtp_server):
    """An administrator creates an account in the admin: it has no usable password and
    its owner is mailed a link to set one, so nobody but the owner can sign in to it and
    enrol its first device."""
    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    client = csrf_client()
    client.force_login(boss)
    url = reverse("admin:auth_user_add")
    page = client.get(url)
    assert 'name="password1"' not in page.content.decode()
    form = BrowserForm.from_response(page, url=url, form_id="user_form")
    form.set("username", "drnew").set("email", "drnew@example.org")
    form.fields += [("password1", "Known-to-boss-1"), ("password2", "Known-to-boss-1")]
    assert form.post(client).status_code == 302

    newcomer = get_user_model().objects.get(username="drnew")
    assert not newcomer.has_usable_password()
    assert sign_in(csrf_client(), "drnew").status_code == 200  # the password was ignored
    subjects = [mail.subject for mail in smtp_server.to("drnew@example.org")]
    assert any("Set a new password" in subject for subject in subjects)
    assert ("boss", "drnew", "password reset link sent") in credential_entries()

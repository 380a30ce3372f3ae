"""Issue 19, item 7: credentials belong to their owner. Through the admin over HTTP (CSRF
tokens, production-like second factor): nobody sets another person's password or adds
a device or recovery code to another person's account; every credential change is in the
append-only audit log and mailed to its owner (a real SMTP server on loopback); a wrong
password and a wrong code get the same answer."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from staff import roles

from .support.browser_forms import BrowserForm, csrf_client
from .support.factories import make_user

pytestmark = pytest.mark.django_db


def superuser():
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    return user


def enrolled(user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    static.token_set.create(token="recovery1")
    return device


def app_code(device):
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{token:06d}"


def login_answer(username, password, code):
    client = csrf_client()
    url = reverse("admin:login") + "?next=/admin/"
    page = client.get(url)
    form = BrowserForm.from_response(page, url=url, form_id="login-form")
    form.set("username", username).set("password", password).set("otp_token", code)
    response = form.post(client, REMOTE_ADDR="198.51.100.7")
    errors = re.findall(r'<p class="errornote">(.*?)</p>', response.content.decode(), re.S)
    return response.status_code, [" ".join(error.split()) for error in errors]


@override_settings(STAFF_OTP_REQUIRED=True)
def test_a_wrong_password_and_a_wrong_code_get_the_same_answer():
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    device = enrolled(reviewer)
    wrong_code = "000000" if app_code(device) != "000000" else "111111"

    wrong_password = login_answer(reviewer.username, "not-the-password", app_code(device))
    wrong_code_answer = login_answer(reviewer.username, "pw", wrong_code)
    no_code = login_answer(reviewer.username, "pw", "")

    assert wrong_password == wrong_code_answer == no_code
    assert wrong_password[0] == 200 and "does not say which was wrong" in wrong_password[1][0]


def test_an_administrator_cannot_set_another_persons_password(smtp_server):
    boss = superuser()
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    client = csrf_client()
    client.force_login(boss)
    url = reverse("admin:auth_user_password_change", args=[reviewer.pk])

    assert client.get(url).status_code == 403
    own = BrowserForm.from_response(
        client.get(reverse("admin:auth_user_change", args=[reviewer.pk])), form_id="user_form"
    )
    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": own["csrfmiddlewaretoken"],
            "password1": "Taken-over-1",
            "password2": "Taken-over-1",
        },
    )
    assert response.status_code == 403
    reviewer.refresh_from_db()
    assert reviewer.check_password("pw")


def test_an_administrator_cannot_add_a_device_or_recovery_code_for_someone_else():
    boss = superuser()
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    enrolled(reviewer)
    client = csrf_client()
    client.force_login(boss)
    static = StaticDevice.objects.get(user=reviewer)

    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    assert client.get(reverse("admin:otp_static_staticdevice_add")).status_code == 403
    change = client.get(reverse("admin:otp_static_staticdevice_change", args=[static.pk]))
    assert 'name="token_set-0-token"' not in change.content.decode()
    assert 'name="token_set-__prefix__-token"' not in change.content.decode()
    assert static.token_set.count() == 1


def test_every_credential_change_is_audited_and_mailed_to_its_owner(smtp_server):
    boss = superuser()
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    reviewer.email = "reviewer@example.org"
    reviewer.save()
    enrolled(reviewer)
    smtp_server.clear()
    client = csrf_client()
    client.force_login(boss)

    # The administrator revokes the reviewer's app device (confirming, as the page asks).
    device = TOTPDevice.objects.get(user=reviewer)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    form = BrowserForm.from_response(client.get(url), url=url)
    assert form.post(client).status_code == 302
    # ... and deactivates the account through the user change form.
    url = reverse("admin:auth_user_change", args=[reviewer.pk])
    form = BrowserForm.from_response(client.get(url), url=url, form_id="user_form")
    form.fields = [(key, value) for key, value in form.fields if key != "is_active"]
    response = form.post(client)
    assert response.status_code == 302, response.content.decode()[:3000]
    # The owner changes their own password.
    reviewer.set_password("A-new-long-password-9")
    reviewer.save()

    changes = list(
        AuditEntry.objects.filter(action="credentials")
        .order_by("pk")
        .values_list("comment", flat=True)
    )
    assert "TOTP device removed" in changes
    assert "account deactivated" in changes
    assert "password changed" in changes
    subjects = [mail.subject for mail in smtp_server.to("reviewer@example.org")]
    assert any("TOTP device removed" in subject for subject in subjects)
    assert any("account deactivated" in subject for subject in subjects)
    assert any("password changed" in subject for subject in subjects)


def test_an_administrator_changing_an_address_is_audited_and_the_old_address_told(smtp_server):
    # Otherwise an administrator could point the account at his own address and send
    # himself the owner's reset link without the owner ever hearing of it.
    boss = superuser()
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    reviewer.email = "reviewer@example.org"
    reviewer.save()
    smtp_server.clear()
    client = csrf_client()
    client.force_login(boss)
    url = reverse("admin:auth_user_change", args=[reviewer.pk])
    form = BrowserForm.from_response(client.get(url), url=url, form_id="user_form")
    form.set("email", "boss-owned@example.net")
    assert form.post(client).status_code == 302
    entry = AuditEntry.objects.filter(action="credentials").latest("pk")
    assert entry.comment == "e-mail address changed"
    assert entry.details["by"] == "boss" and entry.details["user"] == reviewer.username
    old = [mail.subject for mail in smtp_server.to("reviewer@example.org")]
    assert any("e-mail address changed" in subject for subject in old)
    assert smtp_server.to("boss-owned@example.net")


def test_an_administrator_sends_a_reset_link_and_only_the_owner_sets_the_password(smtp_server):
    boss = superuser()
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    reviewer.email = "reviewer@example.org"
    reviewer.save()
    client = csrf_client()
    client.force_login(boss)
    changelist = reverse("admin:auth_user_changelist")
    form = BrowserForm.from_response(
        client.get(changelist), url=changelist, form_id="changelist-form"
    )
    form.set("action", "send_password_reset_link")
    form.fields.append(("_selected_action", str(reviewer.pk)))
    assert form.post(client).status_code == 302

    [mail] = [
        m for m in smtp_server.to("reviewer@example.org") if "Set a new password" in m.subject
    ]
    link = re.search(r"http://testserver(/admin/password-reset/\S+/)", mail.body)[1]
    owner = csrf_client()
    page = owner.get(link, follow=True)
    url = page.redirect_chain[-1][0] if page.redirect_chain else link
    form = BrowserForm.from_response(page, url=url)
    form.set("new_password1", "Owner-chosen-password-7").set(
        "new_password2", "Owner-chosen-password-7"
    )
    assert form.post(owner).status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.check_password("Owner-chosen-password-7")
    changes = set(AuditEntry.objects.filter(action="credentials").values_list("comment", flat=True))
    assert {"password reset link sent", "password changed"} <= changes

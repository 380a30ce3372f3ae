"""Nobody grants a role they do not hold; approving roles, review languages and
superuser status come only from a superuser, never to themselves; every change of
roles, languages or credits is in the audit log. Over HTTP, with forged POSTs."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audit.models import AuditEntry
from staff import roles
from staff import security as staff_security
from staff.models import StaffProfile

from .support.admin_forms import change_form_data
from .support.factories import make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def post_change(client, user, **changes):
    """Load `user`'s change form as the logged-in person, change fields, post it."""
    page = client.get(change_url(user))
    assert page.status_code == 200
    data = change_form_data(page) if "adminform" in page.context else {}
    for name in ("date_joined", "last_login"):  # split date and time widgets
        value = getattr(user, name)
        data.pop(name, None)
        if value:
            data[f"{name}_0"], data[f"{name}_1"] = f"{value:%Y-%m-%d}", f"{value:%H:%M:%S}"
    data.update(changes)
    data["_save"] = "Save"
    return client.post(change_url(user), data)


def group(name):
    return str(Group.objects.get(name=name).pk)


def approve_permission():
    return str(Permission.objects.get(codename="approve_version").pk)


def profile_field(user, field):
    return getattr(StaffProfile.objects.get(user=user), field)


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_a_site_admin_cannot_make_themselves_superuser_reviewer_or_give_permissions(client):
    admin = make_user(roles.SITE_ADMINS, username="sa")
    client.force_login(admin)
    post_change(
        client,
        admin,
        is_superuser="on",
        groups=[group(roles.SITE_ADMINS), group(roles.REVIEWERS)],
        user_permissions=[approve_permission()],
        **{"staff_profile-0-review_languages": ["en", "ru"]},
    )
    admin = fresh(admin)
    assert not admin.is_superuser
    assert not admin.groups.filter(name=roles.REVIEWERS).exists()
    assert not admin.user_permissions.exists()
    assert profile_field(admin, "review_languages") == []
    assert not admin.has_perm("reviews.approve_version")


def test_a_site_admin_cannot_create_a_puppet_reviewer(client):
    client.force_login(make_user(roles.SITE_ADMINS))
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "puppet",
            "password1": "x-Long-pass-42",
            "password2": "x-Long-pass-42",
            "usable_password": "true",
            "staff_profile-TOTAL_FORMS": "0",
            "staff_profile-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    puppet = User.objects.get(username="puppet")
    response = post_change(
        client,
        puppet,
        is_staff="on",
        groups=[group(roles.REVIEWERS)],
        **{
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-INITIAL_FORMS": "0",
            "staff_profile-0-review_languages": ["en"],
            "staff_profile-0-public_credit_en": "Dr Fake, neurologist",
        },
    )
    puppet = fresh(puppet)
    assert not puppet.groups.exists()
    assert not roles.can_review(puppet, "en")
    assert all(not p.review_languages for p in StaffProfile.objects.filter(user=puppet))


def test_a_site_admin_gives_only_roles_they_hold(client):
    admin = make_user(roles.SITE_ADMINS)
    colleague = make_user(None, username="newcomer")
    client.force_login(admin)
    post_change(client, colleague, is_staff="on", groups=[group(roles.EDITORS)])
    assert not fresh(colleague).groups.exists()  # not a Site admin's to give
    post_change(client, colleague, is_staff="on", groups=[group(roles.SITE_ADMINS)])
    assert list(fresh(colleague).groups.values_list("name", flat=True)) == [roles.SITE_ADMINS]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.ROLES).latest("at")
    assert entry.actor == admin
    assert entry.details["user"] == "newcomer"
    assert entry.details["changes"]["groups"] == {"old": [], "new": [roles.SITE_ADMINS]}


def test_a_site_admin_cannot_change_or_reset_the_password_of_a_reviewer(client):
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    superuser = User.objects.create_superuser("root", password="pw")
    client.force_login(make_user(roles.SITE_ADMINS))
    for target in (reviewer, superuser):
        response = client.post(change_url(target), {"username": "renamed", "_save": "Save"})
        assert response.status_code == 403
        password_url = reverse("admin:auth_user_password_change", args=[target.pk])
        response = client.post(
            password_url, {"password1": "Hijack-42-x", "password2": "Hijack-42-x"}
        )
        assert response.status_code == 403
        assert fresh(target).check_password("pw")
        assert fresh(target).username != "renamed"


def test_a_superuser_grants_a_reviewer_role_and_languages_logged_with_credits(client):
    superuser = User.objects.create_superuser("root", password="pw")
    doctor = make_user(roles.EDITORS, username="dr-ada", credit="Dr Ada")
    client.force_login(superuser)
    post_change(
        client,
        doctor,
        groups=[group(roles.EDITORS), group(roles.REVIEWERS)],
        **{
            "staff_profile-0-review_languages": ["en", "es"],
            "staff_profile-0-public_credit_en": "Dr Ada Lovelace, neurologist",
        },
    )
    doctor = fresh(doctor)
    assert roles.can_review(doctor, "es")
    roles_entry = AuditEntry.objects.get(action=AuditEntry.Action.ROLES)
    assert roles_entry.actor == superuser
    changes = roles_entry.details["changes"]
    assert changes["groups"]["new"] == sorted([roles.EDITORS, roles.REVIEWERS])
    assert changes["review_languages"] == {"old": [], "new": ["en", "es"]}
    credit_entry = AuditEntry.objects.get(action=AuditEntry.Action.CREDIT)
    assert credit_entry.details["changes"]["public_credit_en"] == {
        "old": "Dr Ada",
        "new": "Dr Ada Lovelace, neurologist",
    }


def test_nobody_gives_themselves_a_role_that_approves_not_even_a_superuser(client):
    superuser = User.objects.create_superuser("root", password="pw")
    StaffProfile.objects.create(user=superuser)
    client.force_login(superuser)
    response = post_change(
        client,
        superuser,
        groups=[group(roles.REVIEWERS)],
        **{"staff_profile-0-review_languages": ["en"]},
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "cannot give yourself a role that approves" in response.content.decode()
    assert not fresh(superuser).groups.exists()
    post_change(client, superuser, **{"staff_profile-0-review_languages": ["en"]})
    assert profile_field(superuser, "review_languages") == []
    assert not roles.can_review(fresh(superuser), "en")


def test_changing_roles_needs_a_recent_sign_in(client, settings):
    settings.STAFF_REAUTH_SECONDS = 600
    superuser = User.objects.create_superuser("root", password="pw")
    doctor = make_user(roles.EDITORS)
    client.force_login(superuser)
    session = client.session
    session[staff_security.SIGNED_IN_AT] = int(time.time()) - 601
    session.save()
    response = post_change(client, doctor, groups=[group(roles.REVIEWERS)])
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not fresh(doctor).groups.filter(name=roles.REVIEWERS).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ROLES).exists()


def group_url(name):
    return reverse("admin:auth_group_change", args=[group(name)])


def post_group(client, name, permissions):
    page = client.get(group_url(name))
    assert page.status_code == 200
    data = change_form_data(page)
    data["permissions"] = permissions
    data["_save"] = "Save"
    return client.post(group_url(name), data)


def group_permissions(name):
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def current_permissions(client, name):
    return change_form_data(client.get(group_url(name))).get("permissions", [])


def test_nobody_adds_the_permission_to_approve_to_a_group_they_are_in(client):
    superuser = User.objects.create_superuser("root", password="pw")
    superuser.groups.add(Group.objects.get(name=roles.EDITORS))
    client.force_login(superuser)
    before = group_permissions(roles.EDITORS)
    current = current_permissions(client, roles.EDITORS)
    response = post_group(client, roles.EDITORS, [*current, approve_permission()])
    assert response.status_code == 200  # the form again, with the reason
    assert "to a group you are in" in response.content.decode()
    assert group_permissions(roles.EDITORS) == before
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ROLES).exists()


def test_a_change_of_a_groups_permissions_is_in_the_audit_log(client):
    superuser = User.objects.create_superuser("root", password="pw")
    client.force_login(superuser)
    current = current_permissions(client, roles.TRANSLATORS)
    submit_english = str(Permission.objects.get(codename="submit_english").pk)
    response = post_group(client, roles.TRANSLATORS, [*current, submit_english])
    assert response.status_code == 302
    assert "submit_english" in group_permissions(roles.TRANSLATORS)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ROLES)
    assert entry.actor == superuser and entry.details["group"] == roles.TRANSLATORS
    change = entry.details["changes"]["permissions"]
    assert set(change["new"]) - set(change["old"]) == {"reviews.submit_english"}


def test_changing_a_group_needs_a_recent_sign_in(client, settings):
    settings.STAFF_REAUTH_SECONDS = 600
    superuser = User.objects.create_superuser("root", password="pw")
    client.force_login(superuser)
    session = client.session
    session[staff_security.SIGNED_IN_AT] = int(time.time()) - 601
    session.save()
    response = post_group(client, roles.EDITORS, [])
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert group_permissions(roles.EDITORS)  # unchanged
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ROLES).exists()

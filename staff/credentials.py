"""Credentials belong to their owner (issue 19, item 7).

Nobody sets another person's password, second-factor device or recovery codes: the
admin's password form answers 403 for anyone but the owner, and device admin pages let
an administrator only look and delete (revoke), never add or change (staff/admin.py).
Devices are enrolled by their owner.

Every change of a password, device, recovery code or activation is written to the
append-only audit log (action "credentials", `details` saying what) and mailed to the
owner through Django's mail framework (DJANGO_EMAIL_* settings), so a change nobody
asked for is noticed by the one person who can tell.

Who is named: the entry's actor is the person who ACTED (the administrator who
deactivated an account or revoked its devices), `details["user"]` the owner whose
credentials changed (the subject). Model signals do not know the request, so
`ActingUser` (a middleware after authentication) keeps the signed-in person in a context
variable for the request; a change with no signed-in person (the owner following a
reset link, a management command) names the owner as actor, the only person it can be.

One change, one entry: a workflow that makes or replaces several rows at once (the
self-service enrolment, staff/enrolment.py) runs under `quietly()` and
records one summary, and the recovery codes deleted with their device are not listed
one by one (the device's removal is the entry). A recovery code used at sign-in is
recorded ("static token removed"), so its owner hears of every use.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

log = logging.getLogger("healthsite.security")


_acting_request: ContextVar = ContextVar("staff_acting_request", default=None)
_quiet: ContextVar[bool] = ContextVar("staff_credentials_quiet", default=False)
_devices_being_deleted: ContextVar[frozenset] = ContextVar(
    "staff_devices_being_deleted", default=frozenset()
)


class ActingUser:
    """Middleware: the request's signed-in person is the actor of credential changes
    made while it runs (read lazily, so a sign-in during the request counts)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _acting_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _acting_request.reset(token)


def acting_person(owner):
    """Who is making a change to `owner`'s credentials now."""
    request = _acting_request.get()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return owner


@contextmanager
def quietly() -> Iterator[None]:
    """Row signals record nothing inside: the caller records one summary itself."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def record(user, change: str, *, by=None, also_to: str = "") -> None:
    """Audit `change` (a short English phrase) of `user`'s credentials and tell them.

    `by` is who acted (default: the signed-in person of the request, else the owner);
    `also_to` is one more address told (the old one, when the address itself changed)."""
    from audit.models import AuditEntry

    actor = by or acting_person(user)
    AuditEntry.objects.create(
        action=AuditEntry.Action.CREDENTIALS,
        actor=actor,
        comment=change,
        details={
            "user": user.get_username(),
            "change": change,
            "by": actor.get_username(),
        },
    )
    by_name = None if actor.pk == user.pk else actor.get_username()
    for address in dict.fromkeys(a for a in (user.email, also_to) if a):
        transaction.on_commit(lambda address=address: _mail(user, change, by_name, address=address))


def _mail(user, change: str, by_name: str | None = None, *, address: str = "") -> None:
    body = _(
        "Hello %(name)s,\n\nThis change was made to your staff account: "
        "%(change)s.\n\nIf you did not ask for it, tell the site administrators "
        "at once.\n"
    ) % {"name": user.get_username(), "change": change}
    if by_name:
        body += _("The change was made by: %(by)s\n") % {"by": by_name}
    try:
        send_mail(
            _("Your staff account changed: %(change)s") % {"change": change},
            body,
            None,
            [address or user.email],
        )
    except OSError:
        log.exception("could not mail %s about a credential change", user.get_username())


def send_reset_link(user, request) -> bool:
    """Mail `user` a link to set a new password themselves (Django's reset token: valid
    once, until the password or sign-in changes, PASSWORD_RESET_TIMEOUT at most); the
    administrator never learns or sets the password. False when they have no address."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    if not user.email:
        return False
    path = reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    send_mail(
        _("Set a new password for your staff account"),
        _(
            "Hello %(name)s,\n\nAn administrator asked for a password reset of your staff "
            "account. Set a new password here (the link works once):\n\n%(link)s\n\nIf "
            "you did not expect this, tell the site administrators.\n"
        )
        % {"name": user.get_username(), "link": request.build_absolute_uri(path)},
        None,
        [user.email],
    )
    record(user, "password reset link sent")
    return True


def roles_changed(sender, instance, action, **kwargs):
    """The owner is told of group and permission changes; the audit entry for them is
    written where they are made (staff/role_grants.py, with what changed from what)."""
    if action in ("post_add", "post_remove", "post_clear") and isinstance(
        instance, get_user_model()
    ):
        what = "groups" if sender is get_user_model().groups.through else "permissions"
        if instance.email:
            change = f"{what} changed"
            transaction.on_commit(lambda: _mail(instance, change))


def before_user_save(sender, instance, **kwargs):
    if instance.pk is None:
        instance._credential_changes = []
        return
    old = (
        sender._default_manager.filter(pk=instance.pk)
        .values("password", "is_active", "email")
        .first()
    )
    changes = []
    instance._old_email = ""
    if old is not None:
        # The address a reset link goes to is a credential too: an administrator who
        # changed it could send himself the owner's reset link. The old address is told.
        if (old["email"] or "") != (instance.email or ""):
            changes.append("e-mail address changed")
            instance._old_email = old["email"] or ""
        if old["password"] != instance.password:
            changes.append("password changed")
        if old["is_active"] != instance.is_active:
            changes.append("account activated" if instance.is_active else "account deactivated")
    instance._credential_changes = changes


def after_user_save(sender, instance, created, **kwargs):
    if _quiet.get():
        return
    for change in getattr(instance, "_credential_changes", []):
        also_to = getattr(instance, "_old_email", "") if change == "e-mail address changed" else ""
        record(instance, change, also_to=also_to)
    instance._credential_changes = []


def device_saved(sender, instance, created, **kwargs):
    user = getattr(instance, "user", None) or getattr(
        getattr(instance, "device", None), "user", None
    )
    if user is None or kwargs.get("raw") or _quiet.get():
        return
    what = sender._meta.verbose_name
    record(user, f"{what} {'added' if created else 'changed'}")


def device_deleting(sender, instance, **kwargs):
    # Its recovery codes are deleted first, each with a signal: the device's own removal
    # is the one entry (cleared in device_deleted).
    _devices_being_deleted.set(_devices_being_deleted.get() | {instance.pk})


def device_deleted(sender, instance, **kwargs):
    if sender._meta.model_name == "staticdevice":
        _devices_being_deleted.set(_devices_being_deleted.get() - {instance.pk})
    if _quiet.get():
        return
    device_id = getattr(instance, "device_id", None)
    if device_id is not None and device_id in _devices_being_deleted.get():
        return
    device = getattr(instance, "device", None) if device_id is not None else None
    user_id = getattr(instance, "user_id", None) or getattr(device, "user_id", None)
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is not None:
        record(user, f"{sender._meta.verbose_name} removed")


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model()
    pre_save.connect(before_user_save, sender=user, dispatch_uid="staff.credentials.pre")
    for through in (user.groups.through, user.user_permissions.through):
        m2m_changed.connect(roles_changed, sender=through, dispatch_uid=f"staff.cred.{through}")
    post_save.connect(after_user_save, sender=user, dispatch_uid="staff.credentials.post")
    for model in (TOTPDevice, StaticDevice, StaticToken):
        post_save.connect(device_saved, sender=model, dispatch_uid=f"staff.cred.{model.__name__}")
        post_delete.connect(
            device_deleted, sender=model, dispatch_uid=f"staff.cred.del.{model.__name__}"
        )
    pre_delete.connect(device_deleting, sender=StaticDevice, dispatch_uid="staff.cred.deleting")

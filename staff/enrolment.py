"""Self-service second-factor enrolment: devices and codes are made only by their owner,
after signing in (issue 19, item 7).

Admin › My second factor (`/admin/second-factor/`) acts on the signed-in person only: no
URL or field names another user, so nobody enrols, views or changes another person's
authenticator app or recovery codes. Administrators revoke (delete) devices on the
admin's device pages, which never show a key or a code (OTP_ADMIN_HIDE_SENSITIVE_DATA).

The steps:
1. The page shows a new TOTP secret as a QR code (inline SVG drawn here by `segno`, a
   maintained pure-Python QR library already in pyproject.toml: no image request, no
   external service) and as text to type into the app. The secret lives
   only in the person's server-side session until it is confirmed.
2. The person types the code their app shows; only a matching code saves the device
   (confirmed) and, if they have none, makes ten single-use recovery codes, shown once
   on the answer to that POST (never stored readable, never shown again).
3. "Make new recovery codes" replaces all old ones; "Remove" deletes one of their apps.

Every enrolment, removal and recovery-code change is one entry in the append-only audit
log, made by the owner, and mailed to them (staff/credentials.py).

There is no operator command any more (`enrol_totp` was removed): it showed the secret
to whoever ran it. The first operator (`createsuperuser`) and anyone whose devices were
revoked (a lost phone) sign in with the password and enrol here.

Production's gate (STAFF_OTP_REQUIRED): a staff member with a password and NO confirmed
device at all signs in with the password alone, and that session reaches this page only
(`needs_enrolment`; the admin site refuses every other page and sends them here). Once a
device is confirmed the session counts as signed in with it. Anyone with a device must
use it. Every POST here needs a recent sign-in (staff/security.py) and keeps what was
typed across one.
"""

from __future__ import annotations

import base64
from binascii import unhexlify
from dataclasses import dataclass

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from . import credentials
from .security import pending_action, require_fresh_sign_in

APP_DEVICE = "authenticator app"
RECOVERY_DEVICE = "recovery codes"
RECOVERY_CODES = 10
PENDING_KEY = "staff_enrolment_key"


# --- The workflow ----------------------------------------------------------------------


@dataclass(frozen=True)
class Provisioning:
    """What the owner's app needs: the otpauth:// address, its QR code, the secret."""

    url: str
    qr_svg: str
    secret: str


def provisioning(user, key: str) -> Provisioning:
    device = TOTPDevice(user=user, key=key, name=APP_DEVICE)
    url = device.config_url
    svg = segno.make(url, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )
    secret = base64.b32encode(unhexlify(key)).decode()
    return Provisioning(url, svg, " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)))


def code_matches(key: str, code: str) -> int | None:
    """The time step `code` belongs to when it is the app's code for `key` now (one step
    either side for clock drift), else None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=6)
    if not totp.verify(int(code), tolerance=1):
        return None
    return totp.t()


def needs_enrolment(user) -> bool:
    """A signed-in, active staff member with no confirmed device: under production
    settings this page is all they may reach."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and not user_has_device(user, confirmed=True)
    )


def may_use_page(user) -> bool:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    is_verified = getattr(user, "is_verified", None)
    return bool((is_verified and is_verified()) or needs_enrolment(user))


def _make_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def enrol_app(user, key: str, code: str, *, name: str = APP_DEVICE):
    """Save the owner's new authenticator app if `code` is its current code.

    Returns (device, recovery codes made now: [] when they already had some), or None
    when the code does not match (nothing saved)."""
    step = code_matches(key, code)
    if step is None:
        return None
    with transaction.atomic(), credentials.quietly():
        device = TOTPDevice.objects.create(
            user=user, key=key, name=name or APP_DEVICE, confirmed=True, last_t=step
        )
        has_codes = StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()
        codes = [] if has_codes else _make_recovery_codes(user)
        credentials.record(user, f"authenticator app added: {device.name}", by=user)
        if codes:
            credentials.record(user, "recovery codes made", by=user)
    return device, codes


def replace_recovery_codes(user) -> list[str]:
    """All the owner's old recovery codes stop working; the new ones are returned once."""
    with transaction.atomic(), credentials.quietly():
        codes = _make_recovery_codes(user)
        credentials.record(user, "recovery codes replaced", by=user)
    return codes


def remove_app(user, device_id: int) -> bool:
    """Delete one of the owner's own authenticator apps; False if it is not theirs."""
    with transaction.atomic(), credentials.quietly():
        device = TOTPDevice.objects.filter(user=user, pk=device_id).first()
        if device is None:
            return False
        name = device.name
        device.delete()
        credentials.record(user, f"authenticator app removed: {name}", by=user)
    return True


# --- The page --------------------------------------------------------------------------


class EnrolForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of this app or phone"),
        max_length=64,
        required=False,
        initial=APP_DEVICE,
    )
    code = forms.CharField(
        label=gettext_lazy("Code your app shows now"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _pending_key(request: HttpRequest) -> str:
    key = request.session.get(PENDING_KEY)
    if not isinstance(key, str) or len(key) != 40:
        key = default_key()
        request.session[PENDING_KEY] = key
    return key


def _enrol(request: HttpRequest, user) -> tuple[EnrolForm, list[str]]:
    """Save the app whose code proves it holds the pending secret; its recovery codes
    when it is the person's first."""
    form = EnrolForm(request.POST)
    if not form.is_valid():
        return form, []
    result = enrol_app(
        user,
        _pending_key(request),
        form.cleaned_data["code"],
        name=" ".join(form.cleaned_data["name"].split()),
    )
    if result is None:
        form.add_error(
            "code",
            _(
                "That is not the code your app shows for this secret now. "
                "Check the app's clock and enter the newest code."
            ),
        )
        return form, []
    device, new_codes = result
    del request.session[PENDING_KEY]
    if not user.is_verified():
        # They just proved they hold it: the session is now signed in
        # with the second factor.
        otp_login(request, device)
    messages.success(request, _("Your authenticator app is saved."))
    return EnrolForm(), new_codes


def _post(request: HttpRequest, user) -> HttpResponse | tuple[EnrolForm, list[str]]:
    """One action of the page: a response to send at once, or the form and any new
    recovery codes to show."""
    action = request.POST.get("action", "")
    if action == "sign_out":
        logout(request)
        return redirect("admin:login")
    stale = require_fresh_sign_in(request)
    if stale is not None:
        return stale
    if action == "enrol":
        return _enrol(request, user)
    new_codes: list[str] = []
    if action == "recovery_codes" and user.is_verified():
        new_codes = replace_recovery_codes(user)
        messages.success(request, _("Your old recovery codes no longer work."))
    elif action == "remove" and user.is_verified():
        if remove_app(user, _int(request.POST.get("device"))):
            messages.success(request, _("The authenticator app is removed."))
            if not user_has_device(user, confirmed=True):
                return redirect("admin:second_factor")
        else:
            messages.error(request, _("That app is not one of yours."))
    return EnrolForm(), new_codes


def _form_after_sign_in(request: HttpRequest) -> EnrolForm:
    """The enrolment form, with the app's name filled in when an enrolment waited for a
    fresh sign-in."""
    pending = pending_action(request)
    if not (pending and pending.get("action") == ["enrol"]):
        return EnrolForm()
    messages.info(
        request,
        _(
            "You signed in again: your app needs the new secret below. Scan it "
            "(or type it) again and enter the code it shows."
        ),
    )
    return EnrolForm(initial={"name": (pending.get("name") or [APP_DEVICE])[0]})


@never_cache
@csrf_protect
def second_factor_view(request: HttpRequest, site) -> HttpResponse:
    """Admin › My second factor: the signed-in person's own apps and recovery codes."""
    user = request.user
    if not may_use_page(user):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if request.method == "POST":
        outcome = _post(request, user)
        if isinstance(outcome, HttpResponse):
            return outcome
        form, new_codes = outcome
    else:
        form, new_codes = _form_after_sign_in(request), []
    context = {
        **site.each_context(request),
        "title": _("My second factor"),
        "apps": TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"),
        "recovery_left": StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
        "verified": bool(user.is_verified()),
        "required": settings.STAFF_OTP_REQUIRED,
        "form": form,
        "setup": provisioning(user, _pending_key(request)),
        "new_codes": new_codes,
    }
    return TemplateResponse(request, "admin/staff/second_factor.html", context)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0

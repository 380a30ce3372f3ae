"""Staff accounts are the keys to the review promise (DESIGN, the review promise, 8).

- Throttled password guessing: django-axes refuses an account from a source address
  after too many wrong passwords (settings AXES_*); every lockout is logged here.
- A second factor for every staff sign-in (django-otp), required under production
  settings (STAFF_OTP_REQUIRED).
- Its signal receivers (lockouts logged, sign-in time kept) are connected in
  StaffConfig.ready().
- A fresh sign-in (within STAFF_REAUTH_SECONDS) before approving, withdrawing or
  changing roles: `require_fresh_sign_in` / `fresh_sign_in_required`. The window counts
  from the last sensitive action (each one that passes renews it), not from the sign-in,
  so a reviewer working through a queue is not sent to sign in every 15 minutes. When it
  has run out, the action the person posted (its choice and comment, never the CSRF
  token) is kept in the new session across the sign-in and offered again, filled in, on
  the page it came from (`pending_action`): nothing is done without their confirmation,
  and the login page says so.
"""

from __future__ import annotations

import logging
import time
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

log = logging.getLogger("healthsite.security")


def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    log.warning(
        "login locked out: account %r from %s after too many failed passwords",
        username,
        ip_address,
    )


# --- Second factor ---------------------------------------------------------------------
# Every staff sign-in asks for a code from the person's authenticator app (a TOTP device)
# or one of their single-use recovery codes (a static device), both from django-otp.
# Under production settings (STAFF_OTP_REQUIRED) nobody signs in to the admin without
# one; under dev settings (`make run`, the tests) a user with no device at all, like the
# demo users, may sign in with the password only, and anyone with a device must use it.


def second_factor_required(user) -> bool:
    return bool(settings.STAFF_OTP_REQUIRED or user_has_device(user, confirmed=True))


def has_second_factor(user) -> bool:
    """Signed in with a second factor, or allowed to go without (dev settings only)."""
    if not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    return bool((is_verified and is_verified()) or not second_factor_required(user))


class StaffLoginForm(OTPAdminAuthenticationForm):
    """The admin login: user name, password and the code, in one step.

    A wrong password and a wrong (or missing) code get the same answer, so the form never
    tells someone who guessed a password that it was right."""

    error_messages = {
        **OTPAdminAuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "The user name, password or code is not right. Enter all three again (the "
            "code from your authenticator app, or one of your recovery codes); for your "
            "security this page does not say which was wrong."
        ),
    }

    def clean_otp(self, user):
        if user is not None and not user_has_device(user, confirmed=True):
            # No device yet: the password alone opens a session that reaches only the
            # enrolment page under production settings (StaffAdminSite.login), or the
            # whole admin under dev settings. Whoever has a device must use it.
            return
        try:
            super().clean_otp(user)
        except ValidationError:
            raise self.get_invalid_login_error() from None

    def _chosen_device(self, user):
        # django-otp wants the device chosen from a list; the code's shape says which:
        # six digits come from the app, anything else is a recovery code.
        device = super()._chosen_device(user)
        if device is None:
            token = (self.cleaned_data.get("otp_token") or "").strip()
            model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
            device = model.objects.filter(user=user, confirmed=True).first()
        return device


class StaffAdminSite(OTPAdminSite):
    """The admin site (`admin.site`, through staff.apps.StaffAdminConfig.default_site):
    staff with a verified second factor only."""

    login_form = StaffLoginForm

    def __init__(self, name: str = "admin"):
        super().__init__(name)

    def has_permission(self, request):
        return AdminSite.has_permission(self, request) and has_second_factor(request.user)

    def get_urls(self):
        from django.urls import path

        from .enrolment import second_factor_view

        return [
            path("second-factor/", second_factor_view, {"site": self}, name="second_factor"),
            *super().get_urls(),
        ]

    def login(self, request, extra_context=None):
        # Production's gate: a staff member signed in with a password and no device yet
        # reaches the enrolment page only (staff/enrolment.py); every admin page sends
        # them here through the login page.
        from .enrolment import needs_enrolment

        if (
            request.method == "GET"
            and not self.has_permission(request)
            and needs_enrolment(request.user)
        ):
            return redirect("admin:second_factor")
        return super().login(request, extra_context)


# --- Fresh sign-in before approving, withdrawing or changing roles ----------------------

SIGNED_IN_AT = "staff_signed_in_at"


def remember_sign_in_time(sender, request=None, user=None, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())


def sign_in_is_fresh(request) -> bool:
    signed_in_at = request.session.get(SIGNED_IN_AT)
    return (
        isinstance(signed_in_at, int)
        and time.time() - signed_in_at <= settings.STAFF_REAUTH_SECONDS
    )


PENDING_ACTION = "staff_pending_action"
NOT_KEPT = frozenset({"csrfmiddlewaretoken", "otp_token", "code"})


def require_fresh_sign_in(request):
    """None when the last sign-in or sensitive action is recent enough (and the window
    starts again now); otherwise sign the person out, keep what they posted for the page
    they were on, and answer with a redirect to the login page that brings them back."""
    if sign_in_is_fresh(request):
        request.session[SIGNED_IN_AT] = int(time.time())
        return None
    path = request.get_full_path()
    # Never a secret: a password typed on the page, the CSRF token, a one-time code.
    pending = {
        name: request.POST.getlist(name)
        for name in request.POST
        if name not in NOT_KEPT and "password" not in name
    }
    logout(request)
    # The session after logout is new and empty; Django's login keeps its data.
    request.session[PENDING_ACTION] = {"path": path, "data": pending}
    messages.warning(
        request,
        _(
            "For this action you need to have signed in or acted within the last "
            "%(minutes)s minutes. Sign in again: you will come back to the same page with "
            "your choice and your comment filled in, and nothing is done until you "
            "confirm it there."
        )
        % {"minutes": max(1, settings.STAFF_REAUTH_SECONDS // 60)},
    )
    return redirect_to_login(path, reverse("admin:login"))


def pending_action(request) -> dict[str, list[str]] | None:
    """What the person posted on this page before they had to sign in again (taken once),
    to fill in its form; None if nothing is pending here."""
    pending = request.session.get(PENDING_ACTION)
    if not isinstance(pending, dict) or pending.get("path") != request.get_full_path():
        return None
    del request.session[PENDING_ACTION]
    data = pending.get("data")
    return data if isinstance(data, dict) else None


def fill_from_pending(form, pending: dict[str, list[str]] | None) -> None:
    """Show what was posted before the sign-in in an unbound (admin change) form, as its
    initial values, read by each field's own widget (check boxes, multiple choices,
    prefixed inline forms): nothing is saved until the person saves the form."""
    if not pending or form.is_bound:
        return
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for name, values in pending.items():
        data.setlist(name, values)
    for name, field in form.fields.items():
        if field.disabled or isinstance(field.widget, forms.HiddenInput):
            continue
        key = form.add_prefix(name)
        if field.widget.value_omitted_from_data(data, {}, key):
            continue
        form.initial[name] = field.widget.value_from_datadict(data, {}, key)


def fresh_sign_in_required(view):
    """Decorator for views whose POST approves, withdraws or changes roles."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            stale = require_fresh_sign_in(request)
            if stale is not None:
                return stale
        return view(request, *args, **kwargs)

    return wrapper

"""Enrol a staff member's second factor: an authenticator app and recovery codes.

    python manage.py enrol_totp USERNAME

prints the otpauth:// address and its QR code in the terminal (scan it with any TOTP
app: FreeOTP, Aegis, Google Authenticator, 1Password...), asks for the 6-digit code the
app then shows to check it, and prints 10 single-use recovery codes. Run it again with
--replace to start over (a lost phone): the old app and old recovery codes stop working.
"""

from __future__ import annotations

import io
import sys

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_DEVICE = "authenticator app"
RECOVERY_DEVICE = "recovery codes"


class Command(BaseCommand):
    help = "Enrol a staff user's authenticator app (TOTP) and print recovery codes."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--codes", type=int, default=10, help="recovery codes to make")
        parser.add_argument("--replace", action="store_true", help="replace an existing enrolment")
        parser.add_argument(
            "--no-confirm",
            action="store_true",
            help="do not ask for a code from the app (scripts; the device is active at once)",
        )

    def handle(self, username, codes, replace, no_confirm, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        existing = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        if existing and not replace:
            raise CommandError(
                f"{username} already has an authenticator app; use --replace to start over"
            )
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
            recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=False)
            tokens = [StaticToken.random_token() for _ in range(codes)]
            for token in tokens:
                recovery.token_set.create(token=token)

            url = device.config_url
            self.stdout.write(f"Scan this with {username}'s authenticator app:\n")
            picture = io.StringIO()
            segno.make(url, error="m").terminal(out=picture, compact=True)
            self.stdout.write(picture.getvalue(), ending="")
            self.stdout.write(f"\nor enter this address in the app:\n{url}\n")
            if not no_confirm:
                if not sys.stdin.isatty():
                    raise CommandError("no terminal to ask for a code: use --no-confirm")
                code = input("Code the app shows now: ").strip()
                if not device.verify_token(code):
                    raise CommandError("that code does not match; nothing was saved")
            device.confirmed = recovery.confirmed = True
            device.save()
            recovery.save()
        self.stdout.write(
            "\nRecovery codes (each works once, instead of a code from the app; "
            "keep them somewhere safe, offline):"
        )
        for token in tokens:
            self.stdout.write(f"  {token}")
        if not user.is_staff:
            self.stderr.write(f"note: {username} is not staff; the admin will not let them in")

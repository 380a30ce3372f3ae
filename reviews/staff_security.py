"""Staff accounts are the keys to the review promise (DESIGN, the review promise, 8).

Throttled password guessing: django-axes refuses an account from a source address after
too many wrong passwords (settings AXES_*); every lockout is logged here.
"""

from __future__ import annotations

import logging

from axes.signals import user_locked_out
from django.dispatch import receiver

log = logging.getLogger("healthsite.security")


@receiver(user_locked_out)
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    log.warning(
        "login locked out: account %r from %s after too many failed passwords",
        username,
        ip_address,
    )

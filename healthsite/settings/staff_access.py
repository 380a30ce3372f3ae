"""Who gets into the admin, and how: passwords, lockout after guessing, the second
factor, fresh sign-ins for weighty actions, the session's length. Imported by base."""

from datetime import timedelta

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Password guessing (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# account from one address, that account is refused from that address for
# AXES_COOLOFF_TIME, even with the right password. The lockout is per account AND source,
# so someone guessing elsewhere cannot lock a reviewer out. Each lockout is logged
# (staff.security, logger "healthsite.security") and kept in the database.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client's address: the socket's unless a trusted proxy count says otherwise
# (production reads DJANGO_TRUSTED_PROXY_COUNT).
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Second factor (django-otp) for every staff sign-in; dev and test settings let users
# without any device (the demo users) in with their password only.
STAFF_OTP_REQUIRED = True
OTP_TOTP_ISSUER = "Spasms and cramps staff"
# Nobody sees another person's second-factor key or recovery codes in the admin (the
# device pages list and revoke only); the owner sees theirs once, at enrolment
# (staff/enrolment.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Approving, withdrawing and changing roles need a sign-in at most this old.
STAFF_REAUTH_SECONDS = 15 * 60
# Only staff have sessions (public pages set no cookie): 8 hours, not Django's 14 days.
SESSION_COOKIE_AGE = 8 * 60 * 60

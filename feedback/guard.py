"""How "Is this page useful?" is kept from abuse without a cookie (issue 23).

The form sits at the foot of every topic page, and topic pages are cached: rendered once
per publication and served to every visitor (healthsite.page_cache, the HTTP cache in
front). So the form must be the same for every visitor, and no CSRF cookie can be set.
Decisions:

1. No cookie, no CSRF token. Nothing a reader sends acts on anybody's account, so the
   harm a cross-site request could do is spam sent from a visitor's browser. Browsers
   say where a form was posted from: a POST whose `Sec-Fetch-Site` is `cross-site` or
   `same-site`, or whose `Origin` is neither this site nor a CSRF_TRUSTED_ORIGINS entry,
   is refused (403) (`cross_site`). Requests without those headers (old browsers,
   scripts) go on to the next checks.
2. A signed, time-limited form token in a hidden field (`form_token`): it names the topic,
   the language and the published version the page showed, signed with the SECRET_KEY
   and the day of rendering (django.core.signing; the start of the UTC day, not the
   second, so a page rendered again the same day is byte for byte the same and keeps its
   ETag: the HTTP cache in front revalidates its copy with a 304). It is the same for
   every visitor of a cached page. A POST for another topic or language, or with a forged
   token, is refused; a token older than TOKEN_MAX_AGE counted from that day's start
   (longer than any cache keeps the page) asks the reader to send again, with their
   answer kept and a new token.
3. Rate limit per address (`allow`): at most RATE_LIMIT answers per RATE_WINDOW seconds
   from one address (the address Django's login throttle uses: behind trusted proxies,
   from X-Forwarded-For). Counted in the shared cache; when the cache fails or hangs
   (its client has short timeouts), counted from the stored answers of the last window
   (a keyed hash of the address is stored with each answer for this and deleted with
   it), so a cache outage neither lets a flood through nor answers 500.
4. What is refused in a comment (`refusal`): links (an address with a scheme, "www." or
   a bare domain name: readers' comments are never published, so links are only spam),
   more than MAX_COMMENT_LENGTH characters (line breaks counted as one, as the browser's
   maxlength does), and characters that are not text (null and other control
   characters). The reader gets the page back with their text and a clear message.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import MAX_COMMENT_LENGTH, ReaderFeedback

logger = logging.getLogger(__name__)

SALT = "feedback.form"
# A page is kept at most a day in the page cache and a day in the HTTP cache in front;
# a reader may keep a tab open for a while longer.
TOKEN_MAX_AGE = 7 * 24 * 60 * 60
TOKEN_TIME_STEP = 24 * 60 * 60
RATE_LIMIT = 5
RATE_WINDOW = 60 * 60

LINK = re.compile(
    r"[a-z][a-z0-9+.-]*://|\bwww\.|\[url|<a\s|href\s*="
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|biz|io|co|ru|su|рф|es|ar|uk|de|fr"
    r"|xyz|top|site|online|shop|club|link|click|ly|me|tk|ml|ga|cf|gq)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Token:
    topic: str
    language: str
    version_id: int | None


class TokenError(Exception):
    """The form token is not ours, or not for this page."""


class TokenExpired(TokenError):
    pass


class _DaySigner(signing.TimestampSigner):
    """Signs with the start of the UTC day of signing (decision 2)."""

    def timestamp(self) -> str:
        return signing.b62_encode(int(_now()) // TOKEN_TIME_STEP * TOKEN_TIME_STEP)


def form_token(topic: str, language: str, version_id: int | None) -> str:
    """The hidden field of a topic page's form (signed, with the day of rendering)."""
    value = f"{topic}|{language}|{version_id or ''}"
    return _DaySigner(salt=SALT).sign(value)


def read_token(token: str, topic: str, language: str) -> Token:
    """The page a form token was rendered for; TokenError when forged or for another
    page, TokenExpired when older than TOKEN_MAX_AGE."""
    signer = _DaySigner(salt=SALT)
    try:
        value = signer.unsign(token or "", max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired as error:
        raise TokenExpired(str(error)) from None
    except signing.BadSignature as error:
        raise TokenError(str(error)) from None
    parts = value.split("|")
    if len(parts) != 3 or parts[0] != topic or parts[1] != language:
        raise TokenError("token for another page")
    return Token(parts[0], parts[1], int(parts[2]) if parts[2].isdigit() else None)


def _own_origins(request: HttpRequest) -> set[str]:
    return {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}


def cross_site(request: HttpRequest) -> bool:
    """Whether the browser says this POST came from another site (decision 1)."""
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE", "")
    if fetch_site and fetch_site not in ("same-origin", "none"):
        return True
    origin = request.META.get("HTTP_ORIGIN")
    return bool(origin) and origin not in _own_origins(request)


def address_key(request: HttpRequest) -> str:
    """A keyed hash of the reader's address: enough to count, never the address."""
    address = get_client_ip_address(request) or ""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"feedback|{address}".encode(), hashlib.sha256
    ).hexdigest()


def _now() -> float:
    """Seconds since the epoch (one place for tests to move the clock)."""
    return time.time()


def allow(address: str) -> bool:
    """Whether one more answer from `address` is within the rate limit (decision 3);
    counts it when it is."""
    window = int(_now() // RATE_WINDOW)
    key = f"feedback-rate:{address}:{window}"
    try:
        cache = caches[settings.PAGE_CACHE_ALIAS]
        cache.add(key, 0, RATE_WINDOW * 2)
        count = cache.incr(key)
    except Exception as error:  # a hung or absent cache: count the stored answers
        logger.warning("Feedback rate limit read from the database (%s)", error)
        since = timezone.now() - timedelta(seconds=RATE_WINDOW)
        count = ReaderFeedback.objects.filter(address=address, created_at__gte=since).count() + 1
    return count <= RATE_LIMIT


def normal_text(text: str) -> str:
    """A comment as stored: line breaks as LF, surrounding space removed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def refusal(text: str) -> str | None:
    """Why a (normalised) comment cannot be accepted, or None (decision 4)."""
    if len(text) > MAX_COMMENT_LENGTH:
        return _(
            "Your comment is %(length)d characters long; please shorten it to at most "
            "%(limit)d characters."
        ) % {"length": len(text), "limit": MAX_COMMENT_LENGTH}
    if any(unicodedata.category(char) in ("Cc", "Cs") and char not in "\n\t" for char in text):
        return _("Your comment contains characters that are not text; please remove them.")
    if LINK.search(text):
        return _("Please remove links and web addresses from your comment: we cannot accept them.")
    return None

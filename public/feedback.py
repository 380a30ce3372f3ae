"""The answer to "Is this page useful?" (issue 23): a plain form POST at the foot of each
topic page, no JavaScript, no cookie. How it is kept from abuse: feedback.guard.

The topic page stays the same for every visitor (and cached): its form carries a signed
token made when the page was rendered. The POST answers a page of its own, never cached:
thanks, or the form again with the reader's text and a clear message (400 for a refused
text or a stale form, 403 for a post from another site, 429 when one address sent too
often). A GET of the POST address leads back to the topic's form.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from feedback import guard
from feedback.forms import FeedbackForm
from feedback.models import MAX_COMMENT_LENGTH, ReaderFeedback
from reviews.models import ContentKind

from . import readers


def form_context(slug: str, language: str, version_id: int | None) -> dict:
    """The form at the foot of a topic page: the same for every visitor."""
    return {
        "action": reverse("public:topic_feedback", kwargs={"slug": slug}),
        "token": guard.form_token(slug, language, version_id),
        "max_length": MAX_COMMENT_LENGTH,
    }


@csrf_exempt  # no cookie on public pages: see feedback.guard for what protects this form
@never_cache
def topic_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    from .views import gone_or_not_found, language_links

    topic_url = reverse("public:topic", kwargs={"slug": slug})
    if request.method in ("GET", "HEAD"):
        return HttpResponseRedirect(topic_url + "#feedback")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST", "GET"])
    language = translation.get_language()
    page = readers.live_topic(slug, language)
    if page is None:
        return gone_or_not_found(request, ContentKind.TOPIC, slug)
    shown = page.shown
    form = FeedbackForm(request.POST)
    status, message, version_id = 200, "", shown.version.pk
    if guard.cross_site(request):
        status, message = 403, _("This form can only be sent from this site's own pages.")
    else:
        try:
            version_id = guard.read_token(form.data.get("token", ""), slug, language).version_id
        except guard.TokenExpired:
            status, message = 400, _("This page was open for a long time. Please send again.")
        except guard.TokenError:
            status, message = 400, _("This form could not be checked. Please send it again.")
    if status == 200 and not form.is_valid():
        status = 400
        message = " ".join(str(error) for errors in form.errors.values() for error in errors)
    if status == 200 and not guard.allow(guard.address_key(request)):
        status = 429
        message = _("You have sent several answers in a short time. Please try again later.")
    if status == 200:
        ReaderFeedback.objects.create(
            topic=slug,
            language=shown.language,
            useful=form.cleaned_data["useful"] == "yes",
            comment=form.cleaned_data["comment"],
            version_id=version_id,
            address=guard.address_key(request),
        )
    context = {
        "notices": readers.site_notices(language),
        "topic": shown,
        "topic_url": topic_url,
        "sent": status == 200,
        "message": message,
        "feedback": {**form_context(slug, language, version_id), **form.kept()},
        **language_links(request, "public:topic", {"slug": slug}, published_in=page.languages),
        "alternates": [],
    }
    return render(request, "public/feedback.html", context, status=status)

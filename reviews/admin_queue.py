"""The review admin's lists: the queue (one page, filtered, overdue first, with the
figures per language), translation coverage, the planning page (per language and week)
and a reviewer's own reviews due in the next 30 days. A fixed number of queries each."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.languages import SOURCE_LANGUAGE

from . import batch, planning, queue
from .admin_pages import page_context
from .coverage import coverage
from .models import LanguageVersion, PublishedVersion


def queue_view(model_admin, request: HttpRequest) -> HttpResponse:
    """The review queue: one page of language versions, filtered, overdue first; and the
    figures per language (waiting, overdue, outdated). A fixed number of queries."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    filter_form = queue.QueueFilter(queue_params(request.GET))
    filters = filter_form.filters()
    page = queue.page_of(request.user, filters, request.GET.get("page"))
    today = timezone.localdate()
    context = page_context(
        model_admin,
        request,
        _("Review queue"),
        rows=_language_rows(),
        filter_form=filter_form,
        page=page,
        rows_of_page=[
            {
                "version": version,
                "age": (today - version.submitted_at.date()).days if version.submitted_at else None,
                "overdue": version.review_due is not None and version.review_due < today,
            }
            for version in page.object_list
        ],
        queue_query=_queue_query(filters),
        reviewable=queue.reviewable_languages(request.user),
    )
    return TemplateResponse(request, "admin/reviews/queue.html", context)


QUEUE_PARAMS = ("mine", "language", "kind", "status", "due")


def queue_params(params) -> QueryDict | None:
    """The queue's filters from a query string; "mine" of submitted items when none."""
    if not any(name in params for name in QUEUE_PARAMS):
        return QueryDict("mine=on&status=submitted")
    return params


def _queue_query(filters: dict) -> str:
    query = QueryDict(mutable=True)
    for name in QUEUE_PARAMS:
        value = filters.get(name)
        if value:
            query[name] = "on" if value is True else value
    return query.urlencode() or "status="


def _language_rows() -> list[dict]:
    """Per language: how many versions wait for review, are overdue or outdated."""
    submitted = LanguageVersion.objects.filter(status=LanguageVersion.Status.SUBMITTED)
    waiting = dict(submitted.values_list("language").annotate(Count("pk")))
    overdue = dict(PublishedVersion.objects.overdue().values_list("language").annotate(Count("pk")))
    outdated = dict(
        PublishedVersion.objects.live()
        .filter(outdated=True)
        .values_list("language")
        .annotate(Count("pk"))
    )
    held = dict(
        PublishedVersion.objects.filter(held=True).values_list("language").annotate(Count("pk"))
    )
    changelist = reverse("admin:reviews_languageversion_changelist")
    return [
        {
            "code": code,
            "name": name,
            "waiting": waiting.get(code, 0),
            "overdue": overdue.get(code, 0),
            "outdated": outdated.get(code, 0),
            "held": held.get(code, 0),
            "held_url": f"{changelist}?held=yes&language={code}",
            "waiting_url": f"{changelist}?status=submitted&language={code}",
            "overdue_url": f"{changelist}?overdue=yes&language={code}",
            "outdated_url": f"{changelist}?outdated=yes&language={code}",
        }
        for code, name in settings.LANGUAGES
    ]


def coverage_view(model_admin, request: HttpRequest) -> HttpResponse:
    """The translation dashboard: per language, strings and topics."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    context = page_context(model_admin, request, _("Translation coverage"), rows=coverage())
    return TemplateResponse(request, "admin/reviews/coverage.html", context)


PLANNING_WEEKS = 13


def planning_view(model_admin, request: HttpRequest) -> HttpResponse:
    """Per language and week: the versions falling due and the reviewers qualified."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    today = timezone.localdate()
    plan = planning.weeks(start=today, count=PLANNING_WEEKS)
    reviewers = planning.reviewers_by_language()
    overdue = dict(
        PublishedVersion.objects.overdue(today).values_list("language").annotate(Count("pk"))
    )
    languages = [
        {
            "code": code,
            "name": _(name),
            "weeks": plan[code],
            "reviewers": reviewers[code],
            "overdue": overdue.get(code, 0),
        }
        for code, name in settings.LANGUAGES
    ]
    context = page_context(
        model_admin,
        request,
        _("Review planning"),
        languages=languages,
        week_starts=[week.start for week in plan[SOURCE_LANGUAGE]],
        interval=planning.interval_days(),
    )
    return TemplateResponse(request, "admin/reviews/planning.html", context)


def my_due_view(model_admin, request: HttpRequest) -> HttpResponse:
    """What falls due for review in the next 30 days in the languages I may approve."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    today = timezone.localdate()
    page = Paginator(planning.due_for(request.user, today=today), 100).get_page(
        request.GET.get("page")
    )
    versions = {
        (version.kind, version.key, version.language): version.pk
        for version in LanguageVersion.objects.filter(
            batch.items_filter((row.kind, row.key) for row in page.object_list)
        ).only("pk", "kind", "key", "language")
    }
    rows = [
        {
            "published": row,
            "overdue": row.next_review_due < today,
            "version_pk": versions.get((row.kind, row.key, row.language)),
        }
        for row in page.object_list
    ]
    context = page_context(
        model_admin, request, _("My reviews due in the next 30 days"), page=page, rows=rows
    )
    return TemplateResponse(request, "admin/reviews/my_due.html", context)

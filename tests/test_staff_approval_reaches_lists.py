"""A reviewer's approval through the review page, as a browser sends the form (CSRF token,
the form's hidden fingerprints), reaches the public lists exactly where they changed: a
re-approval of a topic's body leaves its A–Z list and region page cached; one of its
title reaches both (reviews.cache_tags, reviews.approval)."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from reviews import workflow
from staff import roles

from .support.browser_forms import BrowserForm, csrf_client
from .support.factories import make_region, make_topic, make_user, publish
from .test_staff_reauth_keeps_decision import sign_in

pytestmark = pytest.mark.django_db

LISTS = ["/ru/a-z/", "/ru/regions/legs/"]


def approve_over_http(article, language, **changes):
    """A translator's edit and submission, then the reviewer's approval on the review
    page through its form."""
    translator = make_user(roles.TRANSLATORS, languages=[language])
    Article.objects.filter(pk=article.pk).update(**changes)
    workflow.record_edits(Article.objects.get(pk=article.pk), by=translator)
    version = workflow.submit(workflow.version_for(article, language), by=translator)
    reviewer = make_user(roles.REVIEWERS, languages=[language])
    url = reverse("admin:reviews_languageversion_review", args=[version.pk])
    staff = csrf_client()
    sign_in(staff, reviewer, url)
    form = BrowserForm.from_response(staff.get(url), url=url, form_class="review-actions")
    response = form.set("action", "approve").set("comment", "Checked.\nFine.").post(staff)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_approval_in_the_admin_refreshes_the_lists_only_where_they_changed():
    article = make_topic("listed-topic", title="Listedword")
    publish(make_region("legs"), ["en", "ru"])
    publish(article, ["en", "ru"])
    visitor = Client()
    for url in [*LISTS, "/ru/topics/listed-topic/"]:
        visitor.get(url)
        assert visitor.get(url)["X-Page-Cache"] == "hit", url

    approve_over_http(article, "ru", what_it_is_ru="Новый текст\r\nо спазмах")

    page = visitor.get("/ru/topics/listed-topic/")
    assert page["X-Page-Cache"] == "miss"
    assert "Новый текст" in page.content.decode()
    for url in LISTS:
        assert visitor.get(url)["X-Page-Cache"] == "hit", url

    approve_over_http(article, "ru", title_ru="Переименованная тема")

    for url in LISTS:
        response = visitor.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "Переименованная тема" in response.content.decode(), url

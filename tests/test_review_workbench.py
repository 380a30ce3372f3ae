"""The review workbench (issue 21) over HTTP: the review page shows the version as the
public page will, the changed fields with their names, the actions first, and "approve
and open next"; the queue pages, filters and orders; the admin home counts; the planning
page and a reviewer's own list. Query counts are pinned: constant with more items."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from reviews import planning, workflow
from reviews import queue as review_queue
from reviews.models import LanguageVersion, PublishedVersion
from staff import roles

from .support.admin_forms import post_review
from .support.factories import (
    LANGUAGES,
    make_region,
    make_topic,
    make_user,
    publish,
    publish_site_notices,
)
from .support.once import built_once

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_built_once")]

QUEUE = reverse("admin:reviews_languageversion_queue")


def review_url(version):
    return reverse("admin:reviews_languageversion_review", args=[version.pk])


def translated(article, language, translator, **changes):
    """A translator changes `language` of `article` and submits it."""
    Article.objects.filter(pk=article.pk).update(**changes)
    workflow.record_edits(Article.objects.get(pk=article.pk), by=translator)
    return workflow.submit(workflow.version_for(article, language), by=translator)


# name: (role, languages)
TEAM = {
    "reviewer": (roles.REVIEWERS, LANGUAGES),
    "ru_reviewer": (roles.REVIEWERS, ["ru"]),
    "translator": (roles.TRANSLATORS, ["ru", "ar"]),
    "editor": (roles.EDITORS, ()),
}
LIVE_TOPIC = "night-cramps"


def build_module_once():
    """The team and a live topic (English, Russian, Arabic) with the site notices and the
    legs region, which every test here reads: built once for the module
    (tests/conftest.py), each test in its own savepoint."""
    team = {
        name: make_user(role, languages=languages, username=f"team-{name}")
        for name, (role, languages) in TEAM.items()
    }
    publish_site_notices(reviewer=team["reviewer"])
    article = make_topic(LIVE_TOPIC, title="Night cramps")
    publish(make_region("legs"), ["en", "ru", "ar"], reviewer=team["reviewer"])
    publish(article, ["en", "ru", "ar"], reviewer=team["reviewer"])
    return True


@pytest.fixture
def team(request):
    if not built_once(request, "module_built_once"):  # TESTS_BUILD_PER_TEST=1
        build_module_once()
    return {name: get_user_model().objects.get(username=f"team-{name}") for name in TEAM}


@pytest.fixture
def live_topic(team):
    return Article.objects.get(slug=LIVE_TOPIC)


# -- the review page --------------------------------------------------------------------


def test_the_preview_is_the_public_page_with_its_care_cards_notices_and_order(
    client, team, live_topic
):
    version = translated(
        live_topic, "ar", team["translator"], title_ar="تشنجات ليلية", summary_ar="ملخص جديد"
    )
    client.force_login(team["reviewer"])
    html = client.get(review_url(version)).content.decode()
    preview = html[html.index('class="review-preview"') :]
    preview = preview[: preview.index("<h2>")]
    assert preview.startswith('class="review-preview" lang="ar" dir="rtl"')
    # The public topic template: its article, care card, region notice, review line.
    assert '<article class="topic" lang="ar" dir="rtl"' in preview
    assert "care-card care-card-emergency" in preview
    assert "legs notice [ar]" in preview  # the region's notice, in the page's language
    assert "تشنجات ليلية" in preview
    assert preview.index("care-card") < preview.index('class="relief"')  # help first
    # The actions come before the preview (and stay in view: .review-actions is sticky).
    assert html.index('class="review-actions"') < html.index('class="review-preview"')


def test_the_diff_lists_changed_fields_by_name_and_keeps_the_others_folded(
    client, team, live_topic
):
    version = translated(live_topic, "ru", team["translator"], title_ru="Ночные судороги")
    client.force_login(team["reviewer"])
    response = client.get(review_url(version))
    changed = [change.label for change in response.context["changed"]]
    assert changed == ["Title"]
    unchanged = [change.label for change in response.context["unchanged"]]
    assert "Warning signs 1: text" in unchanged and "references[0].checked" not in unchanged
    html = response.content.decode()
    diff = html[html.index("What changed against the live version") :]
    assert "<ins>Ночные судороги</ins>" in diff
    folded = diff[diff.index('<details class="all-fields">') :]
    assert "Warning signs 1: text" in folded


def test_the_whole_page_preview_shows_the_text_of_the_review_page_or_says_it_changed(
    client, team, live_topic
):
    version = translated(live_topic, "ru", team["translator"], title_ru="Ночные судороги")
    client.force_login(team["reviewer"])
    page = client.get(review_url(version))
    whole = client.get(page.context["preview_url"])
    assert whole.status_code == 200
    html = whole.content.decode()
    assert '<html lang="ru" dir="ltr">' in html and "Ночные судороги" in html
    assert 'class="site-header"' in html  # the whole page, header and footer
    translated(live_topic, "ru", team["translator"], title_ru="Другой заголовок")
    again = client.get(page.context["preview_url"])
    assert again.status_code == 409
    assert "The text changed since the review page was opened" in again.content.decode()


def test_approve_and_open_next_follows_the_queue_order(client, team, live_topic):
    other = make_topic(title="Calf cramps")
    publish(other, ["en"], reviewer=team["reviewer"])
    first = translated(live_topic, "ru", team["translator"], title_ru="Первый")
    second = translated(other, "ru", team["translator"], title_ru="Второй")
    LanguageVersion.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - timedelta(1))
    client.force_login(team["ru_reviewer"])
    queue_page = client.get(QUEUE)
    listed = [row["version"].pk for row in queue_page.context["rows_of_page"]]
    assert listed == [first.pk, second.pk]  # oldest submission first
    url = review_url(first) + "?queue=" + queue_page.context["queue_query"]
    response = post_review(client, url, {"approve_next": "1", "comment": ""})
    assert response.status_code == 302
    assert response.url.startswith(review_url(second))
    assert PublishedVersion.objects.live("ru").get(key=live_topic.slug).payload["title"] == "Первый"
    # The last one: back to the queue, which says so.
    response = post_review(client, response.url, {"approve_next": "1"}, follow=True)
    assert "Nothing else in this queue is waiting for you." in response.content.decode()


# -- the queue --------------------------------------------------------------------------


def test_mine_shows_only_my_languages_and_what_i_did_not_contribute_to(client, team, live_topic):
    ru = translated(live_topic, "ru", team["translator"], title_ru="Русский")
    ar = translated(live_topic, "ar", team["translator"], title_ar="عربي")
    reviewer_edit = make_topic(title="Mine")
    Article.objects.filter(pk=reviewer_edit.pk).update(title_en="Edited by the reviewer")
    workflow.record_edits(Article.objects.get(pk=reviewer_edit.pk), by=team["reviewer"])
    own = workflow.submit(workflow.version_for(reviewer_edit, "en"), by=team["editor"])

    client.force_login(team["ru_reviewer"])
    mine = {row["version"].pk for row in client.get(QUEUE).context["rows_of_page"]}
    assert mine == {ru.pk}
    client.force_login(team["reviewer"])
    mine = {row["version"].pk for row in client.get(QUEUE + "?mine=on&status=submitted")
            .context["rows_of_page"]}  # fmt: skip
    assert mine == {ru.pk, ar.pk}  # not `own`: they contributed to it
    every = client.get(QUEUE + "?status=submitted").context["rows_of_page"]
    assert own.pk in {row["version"].pk for row in every}
    arabic = client.get(QUEUE + "?status=submitted&language=ar").context["rows_of_page"]
    assert [row["version"].pk for row in arabic] == [ar.pk]


def test_rows_show_title_language_age_size_and_due_date_with_overdue_first(
    client, team, live_topic
):
    other = make_topic(title="Calf cramps")
    publish(other, ["en", "ru"], reviewer=team["reviewer"])
    fresh = translated(live_topic, "ru", team["translator"], title_ru="Новые ночные судороги")
    late = translated(other, "ru", team["translator"], title_ru="Судороги икр")
    PublishedVersion.objects.live("ru").filter(key=other.slug).update(
        next_review_due=timezone.localdate() - timedelta(days=3)
    )
    planning.refresh_review_due()  # as the steps that move due dates do
    LanguageVersion.objects.filter(pk=fresh.pk).update(
        submitted_at=timezone.now() - timedelta(days=9)
    )
    client.force_login(team["ru_reviewer"])
    response = client.get(QUEUE)
    rows = response.context["rows_of_page"]
    assert [row["version"].pk for row in rows] == [late.pk, fresh.pk]  # overdue first
    assert rows[0]["overdue"] and rows[1]["age"] == 9
    assert rows[1]["version"].title == "Новые ночные судороги"
    assert rows[1]["version"].change_size == 3  # 3 words replaced by 3
    html = response.content.decode()
    assert "Судороги икр" in html and "overdue" in html and "Russian" in html


def test_the_queue_pages_and_bad_filters_fall_back(client, team, live_topic, monkeypatch):
    monkeypatch.setattr(review_queue, "PER_PAGE", 2)
    client.force_login(team["reviewer"])
    for number in range(5):
        make_topic(title=f"Topic {number}")
    first = client.get(QUEUE + "?status=draft&kind=topic")
    # 5 new topics in 4 languages, and the Spanish of the live topic.
    assert first.context["page"].paginator.count == 5 * 4 + 1
    assert len(first.context["rows_of_page"]) == 2
    assert 'rel="next"' in first.content.decode()
    last = client.get(QUEUE + "?status=draft&kind=topic&page=999")
    assert last.status_code == 200 and last.context["page"].number == 11
    bad = client.get(QUEUE + "?status=nonsense&language=xx&due=%00&page=abc")
    assert bad.status_code == 200


def queries_of(client, url):
    from public import readers

    # The review page shows the site notices as published: counted in a worker that has
    # read them before (one query; tests/test_frame_notices.py).
    for language in ("en", "ru"):
        readers.site_notices(language)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_queue_review_planning_and_my_list_cost_the_same_with_more_items(client, team, monkeypatch):
    # The module's site notices and live topic are there too (build_module_once).
    articles = [make_topic(title=f"Topic {number}", measures=1) for number in range(2)]
    for article in articles:
        publish(article, ["en"], reviewer=team["reviewer"])
        translated(article, "ru", team["translator"], title_ru=f"Тема {article.pk}")
    client.force_login(team["reviewer"])
    version = workflow.version_for(articles[0], "ru")
    pages = [QUEUE, QUEUE + "?status=&page=2", reverse("admin:index"), review_url(version),
             reverse("admin:reviews_languageversion_planning"),
             reverse("admin:reviews_languageversion_my_due")]  # fmt: skip
    soon = timezone.localdate() + timedelta(days=10)
    PublishedVersion.objects.live().update(next_review_due=soon)  # rows in "my list"
    monkeypatch.setattr(review_queue, "PER_PAGE", 4)  # "every status" has a page 2
    client.get(QUEUE)  # the session and permission caches settle
    before = {url: queries_of(client, url) for url in pages}
    for number in range(6):
        article = make_topic(title=f"More {number}", measures=4)
        publish(article, ["en"], reviewer=team["reviewer"])
        translated(article, "ru", team["translator"], title_ru=f"Ещё {number}")
    big = make_topic(title="Big", measures=6)
    publish(big, ["en"], reviewer=team["reviewer"])
    PublishedVersion.objects.live().update(next_review_due=soon)
    after = {url: queries_of(client, url) for url in pages}
    assert after == before
    # The budgets, pinned: a change here is a decision, not an accident. Each includes the
    # session, the user, their groups and permissions, and the admin's own sidebar.
    assert list(before.values()) == [
        16,  # queue: the page of rows with their due dates, its count, figures per language
        #      (held translations per language among them, issue 22), readers' answers
        #      per language (issue 23)
        16,  # queue of every status, page 2: the same
        14,  # admin home: the four counts
        30,  # review page: the item with its parts (related topics among them), live and
        #      English, findings, history, readers' answers (counts and the latest)
        12,  # planning: due per language and week, the reviewers, overdue
        12,  # my list: the count, one page of due versions, their review rows
    ], before


def test_the_admin_home_counts_what_waits(client, team, live_topic):
    translated(live_topic, "ru", team["translator"], title_ru="Русский")
    PublishedVersion.objects.live("en").filter(key=live_topic.slug).update(
        next_review_due=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(team["ru_reviewer"])
    html = client.get(reverse("admin:index")).content.decode()
    assert "1 waiting for you" in html
    assert "1 review overdue" in html


def due_dates_of(article) -> dict[str, object]:
    versions = LanguageVersion.objects.filter(key=article.slug)
    return dict(versions.values_list("language", "review_due"))


def test_the_migration_fills_the_due_dates_of_existing_rows(team, live_topic):
    import importlib

    from django.apps import apps

    expected = due_dates_of(live_topic)
    assert expected["ru"] is not None and expected["es"] is None
    LanguageVersion.objects.update(review_due=None)
    migration = importlib.import_module("reviews.migrations.0018_languageversion_review_due")
    migration.copy_due_dates(apps, None)
    assert due_dates_of(live_topic) == expected


def test_the_planning_page_shows_each_weeks_load_and_the_qualified_reviewers(
    client, team, live_topic
):
    today = timezone.localdate()
    PublishedVersion.objects.live().update(next_review_due=today + timedelta(days=200))
    PublishedVersion.objects.live("ru").filter(key=live_topic.slug).update(
        next_review_due=today + timedelta(days=7)
    )
    client.force_login(team["reviewer"])
    response = client.get(reverse("admin:reviews_languageversion_planning"))
    russian = next(row for row in response.context["languages"] if row["code"] == "ru")
    assert sum(week.due for week in russian["weeks"]) == 1
    assert {person.pk for person in russian["reviewers"]} == {
        team["reviewer"].pk,
        team["ru_reviewer"].pk,
    }
    assert team["ru_reviewer"].username in response.content.decode()


def test_my_list_holds_what_falls_due_in_my_languages_within_30_days(client, team, live_topic):
    today = timezone.localdate()
    live = PublishedVersion.objects.live()
    live.update(next_review_due=today + timedelta(days=60))
    live.filter(language="ru", key=live_topic.slug).update(next_review_due=today + timedelta(20))
    live.filter(language="ar", key=live_topic.slug).update(next_review_due=today + timedelta(10))
    client.force_login(team["ru_reviewer"])
    rows = client.get(reverse("admin:reviews_languageversion_my_due")).context["rows"]
    assert [(row["published"].key, row["published"].language) for row in rows] == [
        (live_topic.slug, "ru")
    ]
    assert list(planning.due_for(team["reviewer"]).values_list("language", flat=True)) == [
        "ar",
        "ru",
    ]

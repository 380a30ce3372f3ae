"""The review workflow through the Django admin, and the permission matrix of the roles."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from articles.models import Article
from audit.models import AuditEntry
from reviews import workflow
from reviews.models import LanguageVersion, PublishedVersion, TitleOrder
from search import alphabet
from staff import roles

from .support.admin_forms import change_form_data, post_review
from .support.factories import approve, make_topic, make_user, publish

pytestmark = pytest.mark.django_db


def review_url(article, language):
    version = workflow.version_for(article, language)
    return reverse("admin:reviews_languageversion_review", args=[version.pk])


def live_title(article, language):
    return PublishedVersion.objects.live(language).get(key=article.slug).payload["title"]


def admin_edit(client, user, article, **changes):
    """Edit a topic through its admin change form as `user`; returns the response."""
    client.force_login(user)
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(url)
    if page.status_code != 200 or "adminform" not in page.context:
        return page
    data = change_form_data(page)
    data.update(changes)
    return client.post(url, data)


def test_reviewer_reads_queue_and_diff_then_approves_russian(client):
    article = make_topic(title="Cramps")
    reviewer = make_user(roles.REVIEWERS, languages=["en", "ru"])
    publish(article, ["en", "ru"], reviewer=reviewer)
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    Article.objects.filter(pk=article.pk).update(title_ru="Судороги мышц")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=translator)
    workflow.submit(workflow.version_for(article, "ru"), by=translator)

    client.force_login(reviewer)
    queue = client.get(reverse("admin:reviews_languageversion_queue"))
    assert queue.status_code == 200
    assert f"{article.slug} [ru]" in queue.content.decode()

    page = client.get(review_url(article, "ru"))
    html = page.content.decode()
    assert "<del>Cramps [ru]</del>" in html and "<ins>Судороги мышц</ins>" in html
    assert "Cramps [en]" in html  # the English source beside it

    response = post_review(
        client, review_url(article, "ru"), {"action": "approve", "comment": "ok"}
    )
    assert response.status_code == 302
    assert live_title(article, "ru") == "Судороги мышц"
    # The Russian A–Z list shows the translation, and only it: the English place of the
    # topic in that list is shadowed by the approval's own place (reviews.shadows).
    listed = client.get("/ru/a-z/").content.decode()
    assert ">Судороги мышц</a>" in listed
    assert re.findall(r'<li><a href="[^"]*#letter-\d+">([^<]+)</a></li>', listed) == ["С"]
    english = TitleOrder.objects.get(
        version__key=article.slug, version__is_current=True, language="ru", version_language="en"
    )
    assert english.shadowed


def test_editor_edit_changes_nothing_public_until_a_second_reviewer_approves(client):
    article = make_topic(title="Cramps")
    publish(article, ["en"])
    editor = make_user(roles.EDITORS)

    response = admin_edit(client, editor, article, title_en="Muscle cramps")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(pk=article.pk).title_en == "Muscle cramps"
    assert live_title(article, "en") == "Cramps [en]"
    assert workflow.version_for(article, "en").last_edited_by == editor

    post_review(client, review_url(article, "en"), {"action": "submit"})
    assert live_title(article, "en") == "Cramps [en]"

    second = make_user(roles.REVIEWERS, languages=["en"])
    client.force_login(second)
    post_review(client, review_url(article, "en"), {"action": "approve"})
    assert live_title(article, "en") == "Muscle cramps"
    # The title lists read without the snapshot (the A–Z page) is the approved one too.
    live = PublishedVersion.objects.live("en").get(key=article.slug)
    assert live.shown_title == "Muscle cramps"
    # Its places in the A–Z lists were made by the same approval, in every language
    # (an English topic not translated yet is listed in English everywhere).
    places = dict(live.title_orders.values_list("language", "sort_key"))
    languages = [code for code, _name in settings.LANGUAGES]
    assert places == {code: alphabet.sort_key("Muscle cramps", code) for code in languages}
    assert ">Muscle cramps</a>" in client.get("/ar/a-z/").content.decode()
    # The replaced version's places went with it; a withdrawal in the admin takes the
    # rest, and the topic off the list.
    placed = TitleOrder.objects.filter(version__key=article.slug)
    assert set(placed.values_list("version_id", flat=True)) == {live.pk}
    post_review(client, review_url(article, "en"), {"action": "withdraw", "comment": "Recall"})
    assert not PublishedVersion.objects.live().filter(key=article.slug).exists()
    assert not placed.exists()
    assert "Muscle cramps" not in client.get("/ar/a-z/").content.decode()


def test_admin_explains_why_a_reviewer_cannot_approve_their_own_edit(client):
    article = make_topic()
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    Article.objects.filter(pk=article.pk).update(title_en="Reviewer's words")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=reviewer)
    workflow.submit(workflow.version_for(article, "en"), by=make_user(roles.EDITORS))

    client.force_login(reviewer)
    response = post_review(client, review_url(article, "en"), {"action": "approve"}, follow=True)
    assert "You contributed to this version" in response.content.decode()
    assert not PublishedVersion.objects.live().exists()


# The permission matrix: each role x each action, enforced on the server.

ROLES = ["editor", "translator", "reviewer", "siteadmin"]


@pytest.fixture
def people():
    return {
        "editor": make_user(roles.EDITORS),
        "translator": make_user(roles.TRANSLATORS, languages=["ru"]),
        "reviewer": make_user(roles.REVIEWERS, languages=["en", "ru"]),
        "siteadmin": make_user(roles.SITE_ADMINS),
    }


def attempt(action, user, article):
    try:
        if action == "submit en":
            workflow.submit(workflow.version_for(article, "en"), by=user)
        elif action == "submit ru":
            workflow.submit(workflow.version_for(article, "ru"), by=user)
        elif action in ("approve", "request changes"):
            version = workflow.submit(
                workflow.version_for(article, "ru"),
                by=make_user(roles.TRANSLATORS, languages=["ru"]),
            )
            if action == "approve":
                approve(version, reviewer=user)
            else:
                workflow.request_changes(version, reviewer=user, comment="fix")
        elif action == "withdraw":
            workflow.withdraw("topic", article.slug, by=user, reason="unsafe")
        return True
    except workflow.WorkflowError:
        return False


MATRIX = {
    #                   editor translator reviewer siteadmin
    "submit en": (True, False, False, True),
    "submit ru": (False, True, False, True),
    "approve": (False, False, True, False),
    "request changes": (False, False, True, False),
    "withdraw": (False, False, True, True),
}


@pytest.mark.parametrize("action", MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_workflow_permission_matrix(people, action, role):
    article = make_topic()
    publish(article, ["en"])
    Article.objects.filter(pk=article.pk).update(title_en="New", title_ru="Новое")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=None)
    assert attempt(action, people[role], article) is MATRIX[action][ROLES.index(role)]


EDIT_MATRIX = {
    #        editor translator reviewer siteadmin
    "en": (True, False, False, True),
    "ru": (False, True, False, True),
    "es": (False, False, False, True),
}


@pytest.mark.parametrize("language", EDIT_MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_edit_permission_matrix_holds_even_for_forged_posts(client, people, role, language):
    article = make_topic()
    field = f"title_{language}"
    before = getattr(article, field)
    # Post every language, as a forged request would: only allowed ones may change.
    admin_edit(client, people[role], article, **{field: "Changed"})
    after = getattr(Article.objects.get(pk=article.pk), field)
    assert (after == "Changed") is EDIT_MATRIX[language][ROLES.index(role)], (before, after)


def test_translator_cannot_change_structure(client, people):
    article = make_topic(regions=("legs",))
    original_slug = article.slug
    admin_edit(client, people["translator"], article, slug="renamed", audience="children")
    article.refresh_from_db()
    assert original_slug != "renamed"
    assert (article.slug, article.audience) == (original_slug, "all")
    assert Article.objects.filter(slug="renamed").count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_audit_log_and_nobody_changes_it(client, people, role):
    article = make_topic()
    workflow.submit(workflow.version_for(article, "en"), by=people["editor"])
    entry = AuditEntry.objects.get()
    client.force_login(people[role])

    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    change_url = reverse("admin:audit_auditentry_change", args=[entry.pk])
    assert client.post(change_url, {"comment": "rewritten"}).status_code == 403
    delete_url = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get().comment == ""


def test_not_even_a_superuser_can_change_or_delete_the_audit_log(client):
    article = make_topic()
    workflow.submit(workflow.version_for(article, "en"), by=make_user(roles.EDITORS))
    entry = AuditEntry.objects.get()
    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    assert (
        client.post(
            reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEntry.objects.count() == 1


def test_outdated_translations_are_filtered_and_counted_in_the_queue(client):
    article = make_topic()
    reviewer = make_user(roles.REVIEWERS, languages=["en", "ru", "es", "ar"])
    publish(article, reviewer=reviewer)
    Article.objects.filter(pk=article.pk).update(summary_en="Changed English")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=None)
    publish(article, ["en"], reviewer=reviewer)

    client.force_login(reviewer)
    outdated = client.get(reverse("admin:reviews_languageversion_changelist") + "?outdated=yes")
    assert {v.language for v in outdated.context["cl"].result_list} == {"ru", "es", "ar"}
    queue = client.get(reverse("admin:reviews_languageversion_queue"))
    assert {row["code"]: row["outdated"] for row in queue.context["rows"]} == {
        "en": 0,
        "ru": 1,
        "es": 1,
        "ar": 1,
    }


# Demo data


def test_seed_demo_approves_loaded_content_as_a_plainly_labelled_demo_reviewer(corpus):
    # `corpus`: load_content and seed_demo (run once a session, their rows written again
    # after: tests/support/replay.py).
    live = PublishedVersion.objects.live()
    assert live.filter(kind="topic", language="en").count() == Article.objects.count()
    demo_credit = "Demo reviewer (demonstration content, not a clinical review)"
    assert {v.reviewer_credit for v in live.filter(language="en")} == {demo_credit}
    # Every language says so in its own words, marked with that language.
    for version in live:
        with translation.override(version.language):
            assert version.reviewer_credit == translation.gettext(demo_credit)
        assert version.reviewer_credit_language == version.language
    assert live.filter(language="ru").first().reviewer_credit.startswith("Демонстрационный")
    before = live.count()
    call_command("seed_demo")
    assert PublishedVersion.objects.live().count() == before
    assert PublishedVersion.objects.count() == before
    for username in ("editor", "translator", "reviewer", "reviewer2", "siteadmin"):
        assert get_user_model().objects.get(username=username).check_password(f"{username}-demo")


def test_seed_demo_leaves_human_edits_for_a_real_review(corpus):
    article = Article.objects.get(slug="leg-cramps")
    editor = get_user_model().objects.get(username="editor")
    Article.objects.filter(pk=article.pk).update(title_en="Edited by a person")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=editor)
    call_command("seed_demo")
    assert live_title(article, "en") != "Edited by a person"
    assert workflow.version_for(article, "en").status == LanguageVersion.Status.DRAFT


def test_seed_demo_is_refused_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="not allowed"):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username="reviewer").exists()


def test_editor_creates_a_topic_with_its_parts_on_one_admin_page(client):
    from articles.models import BodyRegion

    editor = make_user(roles.EDITORS)
    region = BodyRegion.objects.create(slug="legs", name_en="Legs")
    client.force_login(editor)
    url = reverse("admin:articles_article_add")
    data = change_form_data(client.get(url))
    data.update(
        {
            "slug": "night-cramps",
            "title_en": "Night cramps",
            "summary_en": "Cramps that wake you up.",
            "audience": "all",
            "regions": [str(region.pk)],
        }
    )
    for prefix, fields in {
        "warning_signs": {"urgency": "urgent", "text_en": "Cramps every night"},
        "relief_measures": {"kind": "exercise", "title_en": "Stretch the calf"},
        "prevention_tips": {"title_en": "Drink water"},
    }.items():
        data[f"{prefix}-TOTAL_FORMS"] = "1"
        for name, value in fields.items():
            data[f"{prefix}-0-{name}"] = value
        data[f"{prefix}-0-order"] = "0"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    article = Article.objects.get(slug="night-cramps")
    assert article.warning_signs.get().text_en == "Cramps every night"
    assert article.relief_measures.get().kind == "exercise"
    assert article.prevention_tips.get().title_en == "Drink water"
    assert workflow.version_for(article, "en").last_edited_by == editor
    assert client.get(reverse("admin:index")).status_code == 200


def test_overdue_reviews_are_filtered_and_counted_in_the_queue(client):
    from datetime import timedelta

    from django.utils import timezone

    article = make_topic()
    reviewer = make_user(roles.REVIEWERS, languages=["en", "ru"])
    published = publish(article, ["en", "ru"], reviewer=reviewer)
    PublishedVersion.objects.filter(pk=published["ru"].pk).update(
        next_review_due=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(reviewer)
    overdue = client.get(reverse("admin:reviews_languageversion_changelist") + "?overdue=yes")
    assert [v.language for v in overdue.context["cl"].result_list] == ["ru"]
    queue = client.get(reverse("admin:reviews_languageversion_queue"))
    assert {row["code"]: row["overdue"] for row in queue.context["rows"]}["ru"] == 1


def test_published_content_cannot_be_deleted_until_withdrawn(client):
    article = make_topic()
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    publish(article, ["en"], reviewer=reviewer)
    client.force_login(make_user(roles.EDITORS))
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])

    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()

    workflow.withdraw("topic", article.slug, by=reviewer, reason="Replaced")
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_slug_is_fixed_once_the_topic_exists(client):
    article = make_topic("leg-cramps")
    publish(article, ["en"])
    admin_edit(client, make_user(roles.EDITORS), article, slug="renamed", title_en="New")
    article.refresh_from_db()
    assert (article.slug, article.title_en) == ("leg-cramps", "New")


def test_review_page_of_deleted_content_is_a_404(client):
    article = make_topic()
    url = review_url(article, "en")
    article.delete()
    client.force_login(make_user(roles.REVIEWERS, languages=["en"]))
    assert client.get(url).status_code == 404


def test_a_superuser_writes_a_reviewers_public_credit_in_each_language(client):
    """Issue 11: a reviewer's account (credit included) is a superuser's to change; a
    Site admin sees it read-only."""
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    html = client.get(reverse("admin:auth_user_change", args=[reviewer.pk])).content.decode()
    for code, _name in settings.LANGUAGES:
        assert f'name="staff_profile-0-public_credit_{code}"' in html
    client.force_login(make_user(roles.SITE_ADMINS))
    html = client.get(reverse("admin:auth_user_change", args=[reviewer.pk])).content.decode()
    assert 'name="staff_profile-0-public_credit_en"' not in html


def test_an_edit_page_reads_the_persons_groups_once_whatever_its_fields(client):
    """Which languages a person may edit is asked for every translated field of the
    topic and its inlines: the person's groups are read once per request, not once per
    field (staff/roles.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = make_topic(title="Cramps")
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    client.force_login(translator)
    url = reverse("admin:articles_article_change", args=[article.pk])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    assert 'name="title_ru"' in page.content.decode()
    group_names = [
        query["sql"]
        for query in queries
        if '"auth_group"."name"' in query["sql"] and "auth_permission" not in query["sql"]
    ]
    assert len(group_names) == 1, group_names


def test_a_changed_role_holds_from_the_persons_next_request(client):
    """The groups read once per request (above) are never kept longer: a translator
    made an editor instead edits English, and no longer Russian, from the next page."""
    from django.contrib.auth.models import Group

    article = make_topic(title="Cramps")
    person = make_user(roles.TRANSLATORS, languages=["ru"])
    client.force_login(person)
    url = reverse("admin:articles_article_change", args=[article.pk])
    html = client.get(url).content.decode()
    assert 'name="title_ru"' in html and 'name="title_en"' not in html

    person.groups.set([Group.objects.get(name=roles.EDITORS)])
    html = client.get(url).content.decode()
    assert 'name="title_en"' in html and 'name="title_ru"' not in html
    response = admin_edit(client, person, article, title_ru="Changed by a former translator")
    assert Article.objects.get(pk=article.pk).title_ru != "Changed by a former translator"
    assert response.status_code in (200, 302)

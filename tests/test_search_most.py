"""A search lists its best search.index.MOST matches at most (fifty pages) and counts its
matches only as far as one more: the page then says "more than" that many. Counting every
match of a word in most topics cost a third of such a search at +10,000 topics, and a page
deep in the results scored every match to show twenty."""

import json
import re

import pytest
from django.db import connection
from django.utils import timezone

from reviews.models import PublishedVersion
from search import index as search_index
from tests.support.factories import live_version

# Every test here wants the published site: built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

MOST = search_index.MOST
FIRST_THREE = {"kind": "topic", "limit": 3, "offset": 0}


def many(site, count: int, untitled: int = 0) -> None:
    """`count` live English topics holding the word "quokka" alike (their keys order
    them), and `untitled` more holding it in their text only, written in bulk and indexed
    as `manage.py rebuild_search_index` does."""
    now = timezone.now()
    titles = [f"Quokka {number}" for number in range(count)]
    titles += [f"Wombat {number}" for number in range(untitled)]
    PublishedVersion.objects.bulk_create(
        live_version(
            f"many-{number:04}",
            "en",
            title,
            reviewer=site,
            approved_at=now,
            payload={"title": title, "summary": "About the quokka."},
        )
        for number, title in enumerate(titles)
    )
    search_index.rebuild(["topic"])


def listed(client, page: int = 1) -> tuple[int, list[str], str]:
    response = client.get("/en/search/", {"q": "quokka", "page": page})
    html = response.content.decode()
    return response.status_code, re.findall(r'href="/en/topics/(many-\d+)/"', html), html


def test_more_matches_than_a_search_lists(client, site):
    many(site, MOST + 5)
    status, keys, html = listed(client)
    assert status == 200
    assert keys == [f"many-{number:04}" for number in range(20)]
    assert f"More than {MOST} topics found for “quokka”." in html
    assert "Page 1 of 50" in html
    status, keys, html = listed(client, 50)
    assert keys == [f"many-{number:04}" for number in range(MOST - 20, MOST)]
    assert 'rel="next"' not in html
    assert listed(client, 51)[0] == 404


def test_as_many_matches_as_a_search_lists(client, site):
    many(site, MOST)
    status, keys, html = listed(client)
    assert f"{MOST} topics found for “quokka”." in html
    assert "More than" not in html
    assert "Page 1 of 50" in html
    assert listed(client, 50)[1][-1] == f"many-{MOST - 1:04}"
    assert listed(client, 51)[0] == 404


def test_the_count_stops_past_most(site):
    many(site, MOST + 30)
    rows = list(
        search_index.search(
            ["quokka"], kind="topic", language="en", fallback=None, limit=3, offset=0
        )
    )
    assert [row.key for row in rows] == ["many-0000", "many-0001", "many-0002"]
    assert {row.search_total for row in rows} == {MOST + 1}


def test_the_count_stops_past_most_across_the_fallback(site):
    # A Russian page: no Russian entry holds the word, every English one follows.
    many(site, MOST + 30)
    rows = list(
        search_index.search(
            ["quokka"], kind="topic", language="ru", fallback="en", limit=3, offset=0
        )
    )
    assert [(row.key, row.search_group) for row in rows] == [
        ("many-0000", 1),
        ("many-0001", 1),
        ("many-0002", 1),
    ]
    assert rows[0].search_total == MOST + 1


@pytest.mark.parametrize(
    ("titled", "untitled", "total"),
    [(MOST // 2, MOST // 2 + 1, MOST + 1), (MOST - 10, 5, MOST - 5)],
)
def test_the_count_adds_the_matches_in_text_only_to_those_in_titles(site, titled, untitled, total):
    """Fewer titles than MOST hold the word: the total counts the other matches too."""
    many(site, titled, untitled=untitled)
    rows = list(search_index.search(["quokka"], language="en", fallback=None, **FIRST_THREE))
    assert rows[0].search_total == total


def _count_branches(raw) -> list[int]:
    """How many times each scan of the search entries under the statement's total ran."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + raw.raw_query, raw.params)
        (document,) = cursor.fetchone()
    plan = document if isinstance(document, list) else json.loads(document)
    scans: list[int] = []

    def walk(node, counting: bool) -> None:
        counting = counting or "InitPlan" in node.get("Subplan Name", "")
        if counting and node.get("Relation Name") == "reviews_searchentry":
            scans.append(node["Actual Loops"])
        for child in node.get("Plans", []):
            walk(child, counting and "CTE" not in node.get("Subplan Name", ""))

    walk(plan[0]["Plan"], False)
    return scans


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's plan")
def test_on_postgresql_more_titles_than_most_decide_the_count_alone(site):
    """More than MOST titles hold the word: the total is MOST + 1 from the index of
    titles, and the count of every match of title or text never runs."""
    many(site, MOST + 30, untitled=10)
    raw = search_index.search(["quokka"], language="en", fallback=None, **FIRST_THREE)
    assert list(raw)[0].search_total == MOST + 1
    assert sorted(_count_branches(raw)) == [0, 1]

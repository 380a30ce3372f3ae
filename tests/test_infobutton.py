"""Clinical codes (issue 25, item 5): reviewed codes per topic, frozen in the snapshot, and
the HL7 infobutton answering by code in every language, JSON and Atom, with English
marked where a language has no approved version; codes in the JSON-LD."""

import tomllib
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from articles.validators import clinical_code_problems, validate_clinical_codes
from reviews import workflow

from .factories import make_topic, publish
from .support.published import json_ld

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

ICD10, ICD10CM, SNOMED = "2.16.840.1.113883.6.3", "2.16.840.1.113883.6.90", "2.16.840.1.113883.6.96"


def coded_topic(slug, codes, reviewer, languages=("en", "ru", "es", "ar")):
    article = make_topic(slug, title=slug.replace("-", " ").capitalize())
    article.clinical_codes = codes
    article.save()
    workflow.record_edits(article, by=None)
    publish(article, list(languages), reviewer=reviewer)
    return article


def ask(client, code, system=ICD10, language=None, **extra):
    params = {"mainSearchCriteria.v.c": code, "mainSearchCriteria.v.cs": system, **extra}
    if language:
        params["informationRecipient.languageCode.c"] = language
    return client.get("/api/v1/infobutton", params)


def test_a_code_finds_its_topics_in_the_language_asked_or_english_marked(client, site):
    coded_topic("cramp-topic", ["ICD10:R25.2", "SNOMED:55300003"], site)
    coded_topic("english-only", ["ICD10:R25.2"], site, languages=("en",))
    coded_topic("other-topic", ["ICD10:K58"], site)

    answer = ask(client, "R25.2", language="ru")
    assert answer.status_code == 200
    feed = answer.json()
    entries = {entry["api_url"].rsplit("/", 2)[-2]: entry for entry in feed["entries"]}
    assert set(entries) == {"cramp-topic", "english-only"}
    assert entries["cramp-topic"]["language"] == "ru"
    assert entries["cramp-topic"]["title"] == "Cramp topic [ru]"
    assert entries["cramp-topic"]["fallback"] is False
    assert entries["cramp-topic"]["url"] == "http://testserver/ru/topics/cramp-topic/"
    assert entries["english-only"]["language"] == "en"
    assert entries["english-only"]["fallback"] is True
    assert feed["licence"]["name"] == "CC BY-ND 4.0"
    assert entries["cramp-topic"]["receipt"]["fingerprint"]

    snomed = ask(client, "55300003", system=SNOMED, language="sp").json()  # MedlinePlus' "sp"
    assert [entry["language"] for entry in snomed["entries"]] == ["es"]
    # An ICD-10-CM code more specific than the WHO code a topic carries finds it.
    assert [e["title"] for e in ask(client, "R25.29", system=ICD10CM).json()["entries"]] == [
        "Cramp topic [en]",
        "English only [en]",
    ]
    assert ask(client, "Z99.9", language="ar").json()["entries"] == []


def test_the_answer_is_atom_when_asked_and_withdrawn_topics_leave_it(client, site):
    coded_topic("atom-topic", ["ICD10:K58"], site)
    answer = ask(client, "K58", language="ar", knowledgeResponseType="text/xml")
    assert answer["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(answer.content)  # noqa: S314 - our own answer
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    entries = root.findall("atom:entry", ns)
    assert [entry.find("atom:title", ns).text for entry in entries] == ["Atom topic [ar]"]
    assert entries[0].find("atom:category", ns).get("term") == "K58"

    workflow.withdraw("topic", "atom-topic", by=site, reason="check")
    assert ask(client, "K58", language="ar").json()["entries"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"mainSearchCriteria.v.cs": ICD10},
        {"mainSearchCriteria.v.c": "R25.2"},
        {"mainSearchCriteria.v.c": "R25.2", "mainSearchCriteria.v.cs": "1.2.3"},
        {"mainSearchCriteria.v.c": "R25.2'; --", "mainSearchCriteria.v.cs": ICD10},
        {
            "mainSearchCriteria.v.c": "R25.2",
            "mainSearchCriteria.v.cs": ICD10,
            "informationRecipient.languageCode.c": "de",
        },
    ],
)
def test_bad_requests_get_a_clear_400(client, db, params):
    answer = client.get("/api/v1/infobutton", params)
    assert answer.status_code == 400
    assert "Invalid" in answer.json()["detail"]


def test_codes_are_reviewed_text_frozen_in_the_snapshot_and_in_the_json_ld(client, site):
    article = coded_topic("json-ld-topic", ["ICD10:R25.2", "SNOMED:55300003"], site)
    data = json_ld(client.get("/en/topics/json-ld-topic/").content.decode())
    codes = {(c["codingSystem"], c["codeValue"]) for c in data["about"]["code"]}
    assert codes == {("ICD-10", "R25.2"), ("SNOMED-CT", "55300003")}
    assert data["audience"]["@type"] == "PeopleAudience"
    assert "https://schema.org/SeeDoctorHealthAspect" in data["mainEntity"]["hasHealthAspect"]

    # A code changed in the admin is a change to review: nothing public moves until then.
    article.clinical_codes = ["ICD10:K58"]
    article.save()
    workflow.record_edits(article, by=None)
    assert [e["title"] for e in ask(client, "R25.2").json()["entries"]] == ["Json ld topic [en]"]
    assert ask(client, "K58").json()["entries"] == []


def test_codes_are_checked_at_save_and_every_topic_file_carries_valid_icd10_codes():
    with pytest.raises(ValidationError):
        validate_clinical_codes(["R25.2"])
    with pytest.raises(ValidationError):
        validate_clinical_codes(["ICD10:r25"])
    validate_clinical_codes(["ICD10:R25.2", "ICD10:K58", "SNOMED:55300003"])
    for path in sorted((settings.CONTENT_DIR / "topics").glob("*.toml")):
        codes = tomllib.loads(path.read_text())["clinical_codes"]
        assert clinical_code_problems(codes) == [], path.name
        assert any(code.startswith("ICD10:") for code in codes), path.name

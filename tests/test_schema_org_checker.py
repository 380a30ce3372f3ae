"""The offline schema.org check (tests/support/schema_org.py) refuses what it should."""

from tests.support import schema_org


def test_valid_objects_pass():
    assert not schema_org.validate(
        {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "headline": "Leg cramps",
            "lastReviewed": "2026-12-01",
            "dateModified": "2026-12-01T10:00:00+00:00",
            "reviewedBy": {"@type": "Person", "name": "Dr A"},
            "citation": [{"@type": "CreativeWork", "url": "https://www.nhs.uk/"}],
        }
    )


def test_unknown_types_properties_and_values_out_of_range_are_refused():
    errors = schema_org.validate(
        {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "reviewer": "Dr A",  # no such property
            "lastReviewed": "yesterday",  # not a date
            "reviewedBy": {"@type": "Persn", "name": "Dr A"},  # no such type
            "about": {"@type": "Person", "name": "x", "headline": "y"},  # not a Person's
            "breadcrumb": {"@type": "Person", "name": "x"},  # not a BreadcrumbList
        }
    )
    assert len(errors) == 5, errors
    assert any("reviewer: no such property" in e for e in errors)
    assert any("lastReviewed" in e for e in errors)
    assert any("unknown type Persn" in e for e in errors)
    assert any("headline: not a property of Person" in e for e in errors)
    assert any("not in the range of breadcrumb" in e for e in errors)

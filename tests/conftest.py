import pytest
from django.conf import settings
from django.utils import translation


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine} ({database.get('HOST') or database['NAME']})"


@pytest.fixture(autouse=True)
def source_language():
    """Each test starts in English: a request in the test client leaves its language
    active in the thread, which would otherwise leak into the next test."""
    with translation.override(settings.LANGUAGE_CODE):
        yield

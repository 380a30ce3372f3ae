"""Moved to tests/support/published.py (helpers) and tests/conftest.py (fixtures); this
name stays for branches written before the move."""

from tests.conftest import corpus_fixture, reviewer_fixture, site_fixture  # noqa: F401
from tests.support.published import *  # noqa: F403

"""Moved to tests/support/factories.py; this name stays for branches written before the move."""

from tests.support.factories import *  # noqa: F403

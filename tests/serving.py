"""Moved to tests/support/serving.py; this name stays for branches written before the move."""

from tests.support.serving import *  # noqa: F403

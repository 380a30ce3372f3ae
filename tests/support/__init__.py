"""Helpers shared by tests through fixtures registered in tests/conftest.py."""

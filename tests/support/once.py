"""Content a module builds once (tests/conftest.py: `published_site_once`,
`module_built_once`, `published_corpus_once`) or, with TESTS_BUILD_PER_TEST=1, in each
test: a fixture asks `built_once` and builds it itself when it was not."""

from __future__ import annotations


def built_once(request, fixture: str) -> bool:
    """Did the module-scoped `fixture` build its content for this test's module? False
    when the test does not use it, or with TESTS_BUILD_PER_TEST=1 (its value is None)."""
    if fixture not in request.fixturenames:
        return False
    return request.getfixturevalue(fixture) is not None

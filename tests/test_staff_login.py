"""Staff sign-in over HTTP: password guessing is throttled per account and source, a
lockout is logged, and a guesser elsewhere cannot lock the real person out."""

import logging

import pytest
from django.test import Client

from staff import roles
from tests.support.factories import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def sign_in(client: Client, username: str, password: str, address: str):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_fifty_wrong_passwords_then_the_right_one_is_refused_from_that_address(caplog):
    reviewer = make_user(roles.REVIEWERS, languages=["en"], username="dr-who")
    attacker = Client()
    with caplog.at_level(logging.WARNING, logger="healthsite.security"):
        for attempt in range(50):
            response = sign_in(attacker, "dr-who", f"guess-{attempt}", "203.0.113.9")
            assert response.status_code in (200, 429)
        response = sign_in(attacker, "dr-who", "pw", "203.0.113.9")
    assert response.status_code == 429
    assert not signed_in(attacker)
    lockouts = [r for r in caplog.records if r.name == "healthsite.security"]
    assert lockouts and "dr-who" in lockouts[0].getMessage()
    assert "203.0.113.9" in lockouts[0].getMessage()

    # The reviewer, from their own address, still signs in.
    own = Client()
    response = sign_in(own, reviewer.username, "pw", "198.51.100.7")
    assert response.status_code == 302
    assert signed_in(own)


def test_a_few_mistakes_do_not_lock_anyone_out():
    make_user(roles.EDITORS, username="ed")
    client = Client()
    for attempt in range(3):
        assert sign_in(client, "ed", f"typo-{attempt}", "198.51.100.8").status_code == 200
    assert sign_in(client, "ed", "pw", "198.51.100.8").status_code == 302


def test_guessing_one_account_does_not_lock_another_account_at_that_address():
    make_user(roles.EDITORS, username="victim")
    make_user(roles.EDITORS, username="colleague")
    client = Client()
    for attempt in range(10):
        sign_in(client, "victim", f"guess-{attempt}", "192.0.2.1")
    assert sign_in(client, "colleague", "pw", "192.0.2.1").status_code == 302

"""Item 8: simultaneous first-run posts create exactly one admin (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client
from django.urls import reverse

POSTS = 6


@pytest.mark.django_db(transaction=True)
def test_six_simultaneous_setup_posts_create_one_admin() -> None:
    barrier = threading.Barrier(POSTS)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(n: int) -> None:
        data = {
            "email": f"admin{n}@example.com",
            "username": f"admin{n}",
            "password1": "a long admin passphrase",
            "password2": "a long admin passphrase",
        }
        try:
            barrier.wait()
            statuses.append(Client().post(reverse("setup"), data).status_code)
        except BaseException as error:  # a 500 re-raises here; count it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(POSTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert get_user_model().objects.count() == 1
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    # The winner goes home; a post that raced it is sent to the login page (302), a later one finds
    # the instance set up (404).
    assert len(statuses) == POSTS and set(statuses) <= {302, 404}

"""Fixtures of the organiser's tests."""

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Factories set real passwords; the default hasher makes each user cost a third of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

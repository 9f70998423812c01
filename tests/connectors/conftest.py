"""Shared fixtures for connector tests: pseudonym keys (the files come from tests/builders)."""

import pytest


@pytest.fixture
def key() -> bytes:
    return b"greenblue-test-pseudonym-key-1"


@pytest.fixture
def other_key() -> bytes:
    return b"greenblue-test-pseudonym-key-2"

"""Shared fixtures for connector tests: pseudonym keys (the builders live in d4_files.py)."""

import pytest


@pytest.fixture
def key() -> bytes:
    return b"greenblue-test-pseudonym-key-1"


@pytest.fixture
def other_key() -> bytes:
    return b"greenblue-test-pseudonym-key-2"

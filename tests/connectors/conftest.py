"""Shared fixtures for connector tests: pseudonym keys (the builders live in d4_files.py).

The fault matrix's builders (`tests/reliability/files.py`) write a file of every dialect; a
connector test that must cover every dialect imports them as the fault matrix does
(`reliability.files`), so `tests/` is put on the import path here.
"""

import sys
from pathlib import Path

import pytest

TESTS = str(Path(__file__).resolve().parents[1])
if TESTS not in sys.path:
    sys.path.append(TESTS)


@pytest.fixture
def key() -> bytes:
    return b"greenblue-test-pseudonym-key-1"


@pytest.fixture
def other_key() -> bytes:
    return b"greenblue-test-pseudonym-key-2"

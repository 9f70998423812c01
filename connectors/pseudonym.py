"""Keyed pseudonyms for personal identifiers (docs/contract.md section 3.6).

An HMAC keeps per-traveller counts possible (the same person maps to the same pseudonym in
every file and run) while the names and ids themselves never reach the warehouse. Without the
key, a pseudonym cannot be reversed or recomputed from a guessed name.
"""

import hashlib
import hmac

import polars as pl

PREFIX = "psn_"


def pseudonym(key: bytes, value: str) -> str:
    digest = hmac.new(key, value.strip().upper().encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:20]


def pseudonymise(column: pl.Series, key: bytes) -> pl.Series:
    """Replace every non-empty value; hashing each distinct value once keeps it fast."""
    distinct = column.drop_nulls().unique()
    distinct = distinct.filter(distinct.str.strip_chars() != "")
    mapping = {v: pseudonym(key, v) for v in distinct.to_list()}
    return column.replace_strict(mapping, default=None, return_dtype=pl.String)


def key_fingerprint(key: bytes) -> str:
    """Names a key without revealing it: the warehouse stores this, never the key."""
    return hmac.new(key, b"greenblue pseudonym key fingerprint", hashlib.sha256).hexdigest()[:16]

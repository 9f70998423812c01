"""Accounts, sessions and the audit log, in one SQLite file only the web application opens.

The file lives beside the served warehouse (`<warehouse folder>/.web/web.sqlite3`, or
`GREENBLUE_WEB_DB`), never inside it: usernames are personal data and the pipeline never
reads them. Passwords are stored as Argon2id hashes (argon2-cffi); a session is a random id
whose SHA-256 is stored, so a copy of the file opens no session.
"""

import datetime as dt
import hashlib
import os
import re
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pipelines.settings import ConfigError, Settings

WEB_DB_ENV = "GREENBLUE_WEB_DB"
ROLES = ("focal-point", "secretariat", "viewer")
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 12
SESSION_HOURS = 8  # a session ends this long after sign-in, whatever happens
IDLE_MINUTES = 60  # or after this long without a request
# Failed sign-ins within the window that lock a username, or an address, until it passes.
FAILURE_WINDOW_MINUTES = 15
FAILURES_PER_USER = 5
FAILURES_PER_ADDRESS = 20

SCHEMA = """
create table if not exists users (
    username text primary key,
    role text not null,
    org_code text,              -- null: every organization (--all)
    password_hash text not null,
    created_at text not null
);
create table if not exists sessions (
    id_sha256 text primary key,
    username text not null references users(username) on delete cascade,
    csrf text not null,
    created_at text not null,
    last_seen_at text not null
);
create table if not exists audit (
    id integer primary key autoincrement,
    at text not null,
    event text not null,
    username text,
    org_code text,
    address text,
    detail text
);
create index if not exists audit_event_at on audit(event, at);
create table if not exists secret (key blob not null);
"""

HASHER = PasswordHasher()
# Verified when the username is unknown, so a wrong name takes as long as a wrong password.
DUMMY_HASH = HASHER.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class User:
    username: str
    role: str
    org_code: str | None  # None: every organization

    @property
    def scope(self) -> str:
        return self.org_code or "all organizations"

    def may_read_rows(self, code: str) -> bool:
        """Submissions, quarantined rows and row-level downloads of organization `code`."""
        return self.org_code is None or self.org_code == code

    def may_upload(self, code: str) -> bool:
        return self.role != "viewer" and self.may_read_rows(code)

    @property
    def home(self) -> str:
        return f"/org/{self.org_code}" if self.org_code else "/"


def web_db_path(settings: Settings, env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get(WEB_DB_ENV):
        return Path(env[WEB_DB_ENV]).absolute()
    return settings.warehouse.parent / ".web" / "web.sqlite3"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime | None = None) -> str:
    return (moment or now()).isoformat(timespec="seconds")


def session_key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class Store:
    """The web application's own database; one short connection per call (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self.connect() as con:
            con.executescript(SCHEMA)
        path.chmod(0o600)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            con.execute("pragma journal_mode = wal")
            con.execute("pragma foreign_keys = on")
            yield con
        finally:
            con.close()

    def secret(self) -> bytes:
        """The key that signs session and sign-in cookies, made on first use."""
        with self.connect() as con:
            con.execute("begin immediate")
            row = con.execute("select key from secret").fetchone()
            if row is None:
                row = (secrets.token_bytes(32),)
                con.execute("insert into secret values (?)", row)
            con.execute("commit")
        return row[0]

    # accounts

    def add_user(self, username: str, password: str, role: str, org_code: str | None) -> None:
        if not USERNAME.match(username):
            raise ConfigError(
                f"username {username!r}: letters, digits and . _ @ - only, at most 64 characters"
            )
        if role not in ROLES:
            raise ConfigError(f"role {role!r}: expected one of {', '.join(ROLES)}")
        if role == "secretariat" and org_code is not None:
            raise ConfigError("a secretariat account sees every organization: use --all")
        if len(password) < MIN_PASSWORD:
            raise ConfigError(f"the password must have at least {MIN_PASSWORD} characters")
        with self.connect() as con:
            try:
                con.execute(
                    "insert into users values (?, ?, ?, ?, ?)",
                    [username, role, org_code, HASHER.hash(password), stamp()],
                )
            except sqlite3.IntegrityError as exc:
                raise ConfigError(f"user {username!r} exists: remove it first") from exc

    def remove_user(self, username: str) -> bool:
        with self.connect() as con:
            return con.execute("delete from users where username = ?", [username]).rowcount > 0

    def users(self) -> list[tuple[User, str, str | None]]:
        """Every account with when it was made and its last sign-in."""
        with self.connect() as con:
            rows = con.execute(
                "select u.username, u.role, u.org_code, u.created_at, "
                "(select max(at) from audit as a where a.event = 'login' "
                "and a.username = u.username) from users as u order by u.username"
            ).fetchall()
        return [(User(r[0], r[1], r[2]), r[3], r[4]) for r in rows]

    def authenticate(self, username: str, password: str) -> User | None:
        with self.connect() as con:
            row = con.execute(
                "select role, org_code, password_hash from users where username = ?", [username]
            ).fetchone()
        try:
            HASHER.verify(row[2] if row else DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if HASHER.check_needs_rehash(row[2]):
            with self.connect() as con:
                con.execute(
                    "update users set password_hash = ? where username = ?",
                    [HASHER.hash(password), username],
                )
        return User(username, row[0], row[1])

    # sessions

    def start_session(self, user: User) -> tuple[str, str]:
        """A new session for `user`: (session id for the cookie, its CSRF token)."""
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        moment = now()
        with self.connect() as con:
            con.execute(
                "delete from sessions where created_at < ? or last_seen_at < ?",
                [
                    stamp(moment - dt.timedelta(hours=SESSION_HOURS)),
                    stamp(moment - dt.timedelta(minutes=IDLE_MINUTES)),
                ],
            )
            con.execute(
                "insert into sessions values (?, ?, ?, ?, ?)",
                [session_key(session_id), user.username, csrf, stamp(moment), stamp(moment)],
            )
        return session_id, csrf

    def session(self, session_id: str) -> tuple[User, str] | None:
        """The signed-in user and CSRF token of a live session (None once it expired)."""
        moment = now()
        key = session_key(session_id)
        with self.connect() as con:
            row = con.execute(
                "select u.username, u.role, u.org_code, s.csrf, s.created_at, s.last_seen_at "
                "from sessions as s join users as u using (username) where s.id_sha256 = ?",
                [key],
            ).fetchone()
            if row is None:
                return None
            created, seen = dt.datetime.fromisoformat(row[4]), dt.datetime.fromisoformat(row[5])
            if moment - created > dt.timedelta(hours=SESSION_HOURS) or moment - seen > (
                dt.timedelta(minutes=IDLE_MINUTES)
            ):
                con.execute("delete from sessions where id_sha256 = ?", [key])
                return None
            if moment - seen > dt.timedelta(minutes=1):
                con.execute(
                    "update sessions set last_seen_at = ? where id_sha256 = ?", [stamp(moment), key]
                )
        return User(row[0], row[1], row[2]), row[3]

    def end_session(self, session_id: str) -> None:
        with self.connect() as con:
            con.execute("delete from sessions where id_sha256 = ?", [session_key(session_id)])

    # audit

    def audit(
        self,
        event: str,
        username: str | None,
        org_code: str | None = None,
        address: str | None = None,
        detail: str | None = None,
    ) -> None:
        with self.connect() as con:
            con.execute(
                "insert into audit (at, event, username, org_code, address, detail) "
                "values (?, ?, ?, ?, ?, ?)",
                [stamp(), event, username, org_code, address, detail],
            )

    def sign_in_locked(self, username: str, address: str | None) -> bool:
        """Too many failed sign-ins for this username or from this address, recently."""
        since = stamp(now() - dt.timedelta(minutes=FAILURE_WINDOW_MINUTES))
        with self.connect() as con:
            by_user, by_address = con.execute(
                "select count(*) filter (where username = ?), count(*) filter (where address = ?) "
                "from audit where event = 'login_failed' and at >= ?",
                [username, address, since],
            ).fetchone()
        return by_user >= FAILURES_PER_USER or by_address >= FAILURES_PER_ADDRESS

    def audit_rows(self, limit: int = 100) -> list[tuple]:
        with self.connect() as con:
            return con.execute(
                "select at, event, username, org_code, address, detail from audit "
                "order by id desc limit ?",
                [limit],
            ).fetchall()

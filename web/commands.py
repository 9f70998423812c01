"""`greenblue serve` and `greenblue users`: the web application's commands.

Plugin commands of the CLI (pyproject.toml, `greenblue.commands` entry points): each parses
its own options, so the pipeline's CLI never imports the web application.
"""

import argparse
import getpass
import sys
from collections.abc import Callable

from pipelines.cli import run_parsed
from pipelines.settings import ConfigError, load_settings


def serve_parser() -> argparse.ArgumentParser:
    s = argparse.ArgumentParser(
        prog="greenblue serve",
        description="Serve the web application on the served warehouse (read-only).",
    )
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    s.set_defaults(func=cmd_serve)
    return s


def users_parser() -> argparse.ArgumentParser:
    u = argparse.ArgumentParser(
        prog="greenblue users",
        description="Web application accounts (add, list, remove); the training export.",
    )
    usub = u.add_subparsers(dest="users_command", required=True)
    a = usub.add_parser("add", help="add an account; the password is read from stdin")
    a.add_argument("username")
    scope = a.add_mutually_exclusive_group(required=True)
    scope.add_argument("--org", help="the one organization the account works for")
    scope.add_argument("--all", action="store_true", help="every organization")
    a.add_argument("--role", required=True, choices=("focal-point", "secretariat", "viewer"))
    a.set_defaults(func=cmd_users_add)
    ls = usub.add_parser("list", help="accounts with their role, organization and last sign-in")
    ls.set_defaults(func=cmd_users_list)
    rm = usub.add_parser("remove", help="remove an account and end its sessions")
    rm.add_argument("username")
    rm.set_defaults(func=cmd_users_remove)
    te = usub.add_parser(
        "training-export",
        help="write the people trained per organization and year for the pipeline",
    )
    te.set_defaults(func=cmd_users_training_export)
    return u


def run(parser: Callable[[], argparse.ArgumentParser], argv: list[str]) -> int:
    """Parse and run, with the CLI's errors: a configuration problem is one line and exit 2,
    a taken port or a folder that cannot be written one line and exit 1."""
    return run_parsed(parser().parse_args(argv))


def serve_main(argv: list[str]) -> int:
    return run(serve_parser, argv)


def users_main(argv: list[str]) -> int:
    return run(users_parser, argv)


def store():
    from web.accounts import Store, web_db_path

    return Store(web_db_path(load_settings()))


def read_password() -> str:
    """A password from stdin: typed twice at a terminal, else the first line of the input."""
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise ConfigError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_users_add(args: argparse.Namespace) -> int:
    from connectors.organizations import load_registry

    org = None if args.all else args.org
    if org is not None:
        settings = load_settings()
        registry = load_registry(settings.orgs) if settings.orgs.exists() else None
        if registry is None or org not in registry.known:
            raise ConfigError(f"organization {org!r} is not in the registry ({settings.orgs})")
    accounts = store()
    accounts.add_user(args.username, read_password(), args.role, org)
    accounts.audit("user_added", args.username, org, None, f"role {args.role} (command line)")
    print(f"added {args.username}: {args.role} for {org or 'all organizations'}")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    accounts = store()
    rows = accounts.users()
    if not rows:
        print(f"no accounts in {accounts.path}: add one with `greenblue users add`")
        return 0
    for user, created, last in rows:
        print(
            f"{user.username:24} {user.role:12} {user.scope:20} "
            f"added {created[:16].replace('T', ' ')}  "
            f"last sign-in {last[:16].replace('T', ' ') if last else 'never'}"
        )
    return 0


def cmd_users_remove(args: argparse.Namespace) -> int:
    accounts = store()
    if not accounts.remove_user(args.username):
        print(f"greenblue: no user {args.username!r}", file=sys.stderr)
        return 1
    accounts.audit("user_removed", args.username, None, None, "command line")
    print(f"removed {args.username} and its sessions")
    return 0


def cmd_users_training_export(args: argparse.Namespace) -> int:
    from web.training import export

    path = export(store(), load_settings().landing)
    print(f"training: {path}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from web.server import serve

    return serve(args.host, args.port)

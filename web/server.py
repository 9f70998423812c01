"""`greenblue serve`: the application behind waitress, a pure-Python production server.

It listens on 127.0.0.1 by default; behind a reverse proxy on the same machine (README:
nginx with TLS) the proxy's `X-Forwarded-For` and `X-Forwarded-Proto` are trusted, so the
audit log and the sign-in rate limit see the client's address and cookies are marked Secure.
"""

import sys

from pipelines.settings import ConfigError, apply_offline_env, load_settings

THREADS = 4
TRUSTED_PROXY = "127.0.0.1"


def serve(host: str, port: int) -> int:
    apply_offline_env()
    import waitress

    from web.accounts import Store, web_db_path
    from web.app import create_app, max_upload_mb

    settings = load_settings()
    if not settings.warehouse.exists():
        raise ConfigError(
            f"no served warehouse at {settings.warehouse} (GREENBLUE_WAREHOUSE): run first"
        )
    store = Store(web_db_path(settings))
    app = create_app(settings, store)
    if not store.users():
        print(
            "no accounts yet: add the first with "
            "`greenblue users add NAME --all --role secretariat` (password on stdin)",
            file=sys.stderr,
        )
    print(
        f"serving {settings.warehouse} (read-only) on http://{host}:{port}/\n"
        f"uploads go to {settings.landing}; accounts and audit log in {store.path}",
        flush=True,
    )
    waitress.serve(
        app,
        host=host,
        port=port,
        threads=THREADS,
        ident="greenblue",
        trusted_proxy=TRUSTED_PROXY,
        trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto"},
        clear_untrusted_proxy_headers=True,
        max_request_body_size=(max_upload_mb() + 1) * 1024 * 1024,
    )
    return 0

"""The Flask application: routes, sign-in, sessions, CSRF, access rules.

- Every page but `/login` needs a session; anonymous requests are sent to `/login`.
- A session is a random id in a signed cookie (HttpOnly, SameSite=Lax, Secure over HTTPS)
  whose row in the application's database ends after SESSION_HOURS, or IDLE_MINUTES without
  a request, or at sign-out.
- Every POST carries a CSRF token (the session's, or for the sign-in form the one of a
  signed cookie); one without it, or with another, is refused with 400.
- Organization dashboards and the overview hold published totals: any signed-in account
  reads them. Submissions, quarantined rows, row-level downloads and uploads of an
  organization answer 403 to an account of another organization; viewers never upload.
- Sign-ins (ok, failed, refused by the rate limit), uploads and refusals go to the audit log.
"""

import hmac
import os
import secrets
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from flask import Flask, Response, abort, g, redirect, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import HTTPException

from connectors.base import RejectedFile
from connectors.dialects import DOMAINS
from connectors.organizations import load_registry, registered_identifiers
from pipelines.settings import Settings
from report import site
from web import exports, pages, submissions, training, uploads
from web.accounts import SESSION_HOURS, Store, User
from web.html import hidden, web_page, with_css

SESSION_COOKIE = "greenblue_session"
LOGIN_COOKIE = "greenblue_signin"
MAX_UPLOAD_ENV = "GREENBLUE_WEB_MAX_UPLOAD_MB"
DEFAULT_MAX_UPLOAD_MB = 50
NAV_SLOT = "<!--greenblue-nav-->"
KEPT_PREVIEWS = 16
WATCH_SECONDS = 2  # how often the watcher looks for a newly published file
SECURITY_HEADERS = {
    # No script runs on any page; styles are inline, charts inline SVG.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' "
    "data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
MESSAGES = {
    400: "The request was refused: the form was missing its security token or was "
    "incomplete. Go back, reload the page and try again.",
    403: "Your account cannot open this page: it belongs to another organization, or your "
    "role does not allow it.",
    404: "There is no such page.",
    405: "This page does not take that kind of request.",
    413: "The file is larger than the upload limit.",
    429: "Too many failed sign-ins: wait a quarter of an hour and try again.",
}


class WebLinks(site.Links):
    index = "/"
    methodology = "/methodology"

    def org(self, code: str) -> str:
        return f"/org/{code}"


LINKS = WebLinks()
T = TypeVar("T")


def render_page(key: tuple[str, str | None], wh: site.Warehouse) -> str:
    """A page (or, for submissions and methodology, its body) as the published file has it;
    the navigation, which depends on who reads, goes in at NAV_SLOT."""
    kind, code = key
    if kind == "overview":
        return site.overview_html(wh, LINKS, NAV_SLOT)
    if kind == "org":
        return site.org_html(wh, code, LINKS, NAV_SLOT)
    if kind == "submissions":
        return "".join(submissions.body(wh, code, LINKS))
    return "".join(pages.methodology_body(wh, LINKS))


class Served:
    """The served warehouse, one read-only connection per server thread, reopened when a
    publication points the served link at a new file. Pages rendered from one published
    file are kept until the next: the file never changes. A watcher renders every page as
    soon as a file is served (at start, and after each publication), so no reader waits for
    a first rendering of the charts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.local = threading.local()
        self.lock = threading.Lock()
        self.version: str | None = None
        self.pages: dict[object, object] = {}

    def current(self) -> tuple[str, site.Warehouse]:
        target = os.path.realpath(self.path)
        local = self.local
        if getattr(local, "target", None) != target:
            if getattr(local, "wh", None) is not None:
                local.wh.close()
            local.wh, local.target = site.Warehouse(Path(target)), target
        return target, local.wh

    def warehouse(self) -> site.Warehouse:
        return self.current()[1]

    def cached(self, key: object, render: Callable[[site.Warehouse], T]) -> T:
        target, wh = self.current()
        with self.lock:
            if self.version != target:
                self.pages, self.version = {}, target
            if key in self.pages:
                return self.pages[key]
        html = render(wh)
        with self.lock:
            if self.version == target:
                self.pages[key] = html
        return html

    def page(self, key: tuple[str, str | None]) -> str:
        return self.cached(key, lambda wh: render_page(key, wh))

    def render_all(self) -> int:
        codes = [code for code, _ in self.cached("orgs", site.organizations)]
        keys = [("overview", None), ("methodology", None)]
        keys += [(kind, code) for code in codes for kind in ("org", "submissions")]
        for key in keys:
            self.page(key)
        return len(keys)

    def watch(self) -> None:
        """Render every page of each newly served file, in a thread of its own."""

        def loop() -> None:
            rendered = None
            while True:
                target = os.path.realpath(self.path)
                if target != rendered:
                    started = time.perf_counter()
                    try:
                        count = self.render_all()
                        rendered = target
                        print(
                            f"greenblue serve: {count} pages of {Path(target).parent.name} "
                            f"ready in {time.perf_counter() - started:.1f}s",
                            flush=True,
                        )
                    except Exception as exc:  # readers render it then; said once, not retried
                        rendered = target
                        print(f"greenblue serve: rendering {target}: {exc}", file=sys.stderr)
                time.sleep(WATCH_SECONDS)

        threading.Thread(target=loop, name="greenblue-pages", daemon=True).start()


def max_upload_mb() -> int:
    return int(os.environ.get(MAX_UPLOAD_ENV) or DEFAULT_MAX_UPLOAD_MB)


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(given, expected)


def safe_next(url: str | None) -> str | None:
    """Only a path on this site, never another host."""
    if url and url.startswith("/") and not url.startswith(("//", "/\\")):
        return url
    return None


class Web:
    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.served = Served(settings.warehouse)
        self.staging = uploads.Staging(store.path.parent / "staging")
        # the last previews, so the page after an upload does not read the file again
        self.previews: OrderedDict[str, uploads.Preview] = OrderedDict()
        self.previews_lock = threading.Lock()
        secret = store.secret()
        self.session_signer = URLSafeTimedSerializer(secret, salt="greenblue-session")
        self.signin_signer = URLSafeTimedSerializer(secret, salt="greenblue-signin")

    # request plumbing

    def load_session(self) -> None:
        g.user, g.csrf, g.session_id = None, None, None
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return
        try:
            session_id = self.session_signer.loads(token, max_age=SESSION_HOURS * 3600)
        except BadSignature:
            return
        found = self.store.session(session_id)
        if found:
            g.user, g.csrf = found
            g.session_id = session_id

    def before(self) -> Response | None:
        self.load_session()
        if request.endpoint == "favicon":
            return None
        if request.endpoint == "login":
            if request.method == "POST" and not same_token(
                request.form.get("csrf_token"), self.signin_nonce()
            ):
                abort(400)
            return None
        if g.user is None:
            return redirect("/login?next=" + quote(request.full_path.rstrip("?")), 303)
        if request.method == "POST" and not same_token(request.form.get("csrf_token"), g.csrf):
            self.store.audit("csrf_refused", g.user.username, None, self.address(), request.path)
            abort(400)
        return None

    def after(self, response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def address(self) -> str | None:
        return request.remote_addr

    def signin_nonce(self) -> str | None:
        try:
            return self.signin_signer.loads(request.cookies.get(LOGIN_COOKIE, ""), max_age=3600)
        except BadSignature:
            return None

    def set_cookie(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
            path="/",
        )

    # page assembly

    def prov(self) -> site.Provenance:
        return site.provenance(self.served.warehouse())

    def nav(self, code: str | None = None) -> str:
        user: User | None = g.get("user")
        orgs = self.served.cached("orgs", site.organizations)
        base = site.nav_html(LINKS, orgs) if user else ""
        parts = []
        target = code or (user.org_code if user else None)
        if user and target and user.may_read_rows(target):
            parts.append(
                f'<a href="/org/{escape(target)}/submissions">{escape(target)} submissions</a>'
            )
        if user and target and user.may_upload(target):
            parts.append(f'<a href="/org/{escape(target)}/upload">Upload</a>')
        if user and f'href="{LINKS.methodology}"' not in base:
            parts.append(f'<a href="{LINKS.methodology}">Methodology</a>')
        if user:
            parts.append('<a href="/training">Training</a>')
        if user:
            parts.append(
                f'<span class="web"><span>{escape(user.username)} · {escape(user.role)} · '
                f"{escape(user.scope)}</span>"
                f'<form method="post" action="/logout">{hidden("csrf_token", g.csrf)}'
                '<button type="submit">Sign out</button></form></span>'
            )
        return base + "".join(parts)

    def render(self, title: str, body: list[str], code: str | None = None, status: int = 200):
        return Response(
            web_page(title, self.prov(), body, self.nav(code)), status, mimetype="text/html"
        )

    def report_page(self, key: tuple[str, str | None], code: str | None = None):
        html = self.served.page(key).replace(NAV_SLOT, self.nav(code), 1)
        # the report's pages get the application's style sheet for its navigation
        return Response(with_css(html), mimetype="text/html")

    def error(self, exc: HTTPException):
        code = exc.code or 500
        message = MESSAGES.get(code, exc.description or "Something went wrong.")
        if code == 413:
            message += f" ({max_upload_mb()} MB)."
            if g.get("user") is not None:
                self.store.audit(
                    "upload_refused", g.user.username, None, self.address(), request.path
                )
        try:
            return self.render(f"{code} {exc.name}", pages.error_body(message), status=code)
        except Exception:  # no served warehouse to frame it: plain text
            return Response(message, code, mimetype="text/plain")

    def organization(self, code: str) -> None:
        """404 for a code the served warehouse does not know."""
        if code not in dict(self.served.cached("orgs", site.organizations)):
            abort(404)

    def rows_of(self, code: str, upload: bool = False) -> User:
        """The user, if they may see (or upload) organization `code`'s rows; else 403."""
        self.organization(code)
        user: User = g.user
        allowed = user.may_upload(code) if upload else user.may_read_rows(code)
        if not allowed:
            what = "upload" if upload else "rows"
            self.store.audit(
                "denied", user.username, code, self.address(), f"{what}: {request.path}"
            )
            abort(403)
        return user

    # routes

    def login(self):
        if request.method == "GET":
            if g.user is not None:
                return redirect(g.user.home, 303)
            return self.login_form()
        username = request.form.get("username", "").strip()[:64]
        password = request.form.get("password", "")
        if self.store.sign_in_locked(username, self.address()):
            self.store.audit("login_limited", username, None, self.address())
            return self.login_form(MESSAGES[429], username, 429)
        user = self.store.authenticate(username, password)
        if user is None:
            self.store.audit("login_failed", username, None, self.address())
            return self.login_form("Wrong username or password.", username, 401)
        self.store.audit("login", user.username, user.org_code, self.address())
        session_id, _ = self.store.start_session(user)
        response = redirect(safe_next(request.form.get("next")) or user.home, 303)
        self.set_cookie(
            response, SESSION_COOKIE, self.session_signer.dumps(session_id), SESSION_HOURS * 3600
        )
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    def login_form(self, error: str | None = None, username: str = "", status: int = 200):
        # the same token while its cookie lasts: a second tab or a favicon request that
        # passes through here does not invalidate the form already shown
        nonce = self.signin_nonce() or secrets.token_urlsafe(32)
        next_url = safe_next(request.values.get("next")) or ""
        body = pages.login_body(pages.Form(nonce, error), next_url, username)
        response = self.render("Sign in", body, status=status)
        self.set_cookie(response, LOGIN_COOKIE, self.signin_signer.dumps(nonce), 3600)
        return response

    def logout(self):
        if request.method == "GET":
            return self.render("Sign out", pages.logout_body(g.csrf))
        self.store.end_session(g.session_id)
        self.store.audit("logout", g.user.username, g.user.org_code, self.address())
        response = redirect("/login", 303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    def overview(self):
        return self.report_page(("overview", None))

    def dashboard(self, code: str):
        self.organization(code)
        return self.report_page(("org", code), code)

    def submissions(self, code: str):
        user = self.rows_of(code)
        body = self.served.page(("submissions", code))
        upload = pages.upload_link(code) if user.may_upload(code) else ""
        return self.render(f"{code}: submissions", [upload, body], code)

    def download(self, code: str, what: str, fmt: str):
        self.rows_of(code)
        if what not in ("files", "quarantine") or fmt not in ("csv", "xlsx"):
            abort(404)
        wh = self.served.warehouse()
        if what == "files":
            columns, rows = (
                submissions.FILE_DOWNLOAD_COLUMNS,
                submissions.file_download_rows(wh, code),
            )
        else:
            columns, rows = submissions.QUARANTINE_COLUMNS, submissions.quarantined(wh, code)
        if fmt == "csv":
            data, mime = exports.to_csv(columns, rows), "text/csv; charset=utf-8"
        else:
            data = exports.to_xlsx(what, columns, rows)
            mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(
            data,
            mimetype=mime,
            headers={"Content-Disposition": f'attachment; filename="{code}-{what}.{fmt}"'},
        )

    def upload(self, code: str):
        user = self.rows_of(code, upload=True)
        if request.method == "GET":
            return self.upload_form(code)
        sent = request.files.get("file")
        replace = request.form.get("replace") or None
        domain = request.form.get("domain", "")
        if sent is None or not sent.filename:
            return self.upload_form(code, "Choose a file to upload.", 400)
        current = uploads.landing_files(self.settings.landing, code)
        if replace is not None and replace not in current:
            return self.upload_form(code, "That file is not in your landing folder.", 400)
        if replace:
            domain = replace.split("/")[0]
        if domain not in DOMAINS:
            return self.upload_form(code, "Choose one of the domains.", 400)
        try:
            name = uploads.sanitise(sent.filename)
            if replace and Path(replace).suffix.lower() != Path(name).suffix:
                raise uploads.UploadError(
                    f"a correction keeps the type of the file it replaces ({replace})"
                )
        except uploads.UploadError as exc:
            self.store.audit("upload_refused", user.username, code, self.address(), str(exc))
            return self.upload_form(code, str(exc), 400)
        data = sent.read()
        staged = uploads.Staged(
            uploads.new_token(),
            code,
            domain,
            name,
            sent.filename[:200],
            user.username,
            uploads.sha256(data),
            len(data),
            time.time(),
            replace,
        )
        try:
            pv = self.preview(staged, data)
        except RejectedFile as exc:
            detail = f"{domain}/{name} ({len(data):,} bytes, sha256 {staged.sha256[:12]}): {exc}"
            self.store.audit("upload_rejected", user.username, code, self.address(), detail[:2000])
            body = pages.rejected_body(code, name, str(exc))
            return self.render(f"{code}: upload not readable", body, code, 422)
        self.staging.put(data, staged)
        self.store.audit(
            "upload_staged",
            user.username,
            code,
            self.address(),
            f"{domain}/{name} ({len(data):,} bytes, sha256 {staged.sha256[:12]}): "
            f"{pv.dialect}, {pv.rows_loaded} rows would load, {pv.quarantined_rows} quarantined",
        )
        return redirect(f"/org/{code}/upload/{staged.token}", 303)

    def upload_form(self, code: str, error: str | None = None, status: int = 200):
        current = uploads.landing_files(self.settings.landing, code)
        body = pages.upload_body(code, pages.Form(g.csrf, error), current, max_upload_mb())
        return self.render(f"{code}: upload a file", body, code, status)

    def preview(self, staged: uploads.Staged, data: bytes) -> uploads.Preview:
        with self.previews_lock:
            if staged.token in self.previews:
                return self.previews[staged.token]
        registered = registered_identifiers(load_registry(self.settings.orgs))
        pv = uploads.preview(data, staged.name, staged.domain, staged.org_code, registered)
        with self.previews_lock:
            self.previews[staged.token] = pv
            while len(self.previews) > KEPT_PREVIEWS:
                self.previews.popitem(last=False)
        return pv

    def staged(self, code: str, token: str) -> uploads.Staged:
        user = self.rows_of(code, upload=True)
        staged = self.staging.get(token)
        if staged is None or (staged.org_code, staged.username) != (code, user.username):
            abort(404)
        return staged

    def upload_preview(self, code: str, token: str):
        staged = self.staged(code, token)
        pv = self.preview(staged, self.staging.data(staged))
        _, duplicate = self.served.warehouse().rows(
            "select relative_path from ops.file_manifest where org_code = ? and sha256 = ? "
            "and status in ('loaded', 'pending') limit 1",
            [code, staged.sha256],
        )
        body = pages.preview_body(staged, pv, g.csrf, duplicate[0][0] if duplicate else None)
        return self.render(f"{code}: check {staged.name}", body, code)

    def upload_confirm(self, code: str, token: str):
        staged = self.staged(code, token)
        data = self.staging.data(staged)
        if uploads.sha256(data) != staged.sha256:
            abort(404)
        try:
            written = uploads.write_landing(
                self.settings.landing, self.settings.workdir, staged, data
            )
        except uploads.UploadError as exc:
            return self.upload_form(code, str(exc), 409)
        self.staging.drop(staged)
        relative = written.relative_to(self.settings.landing).as_posix()
        detail = f"{relative} ({staged.size:,} bytes, sha256 {staged.sha256[:12]})"
        if staged.replace:
            detail += f", replacing {staged.replace}"
        self.store.audit("upload_confirmed", g.user.username, code, self.address(), detail)
        return self.render(
            f"{code}: file received",
            pages.written_body(code, submissions.in_folder(relative, code), bool(staged.replace)),
            code,
        )

    def upload_cancel(self, code: str, token: str):
        staged = self.staged(code, token)
        self.staging.drop(staged)
        self.store.audit("upload_cancelled", g.user.username, code, self.address(), staged.name)
        return redirect(f"/org/{code}/upload", 303)

    def favicon(self):
        return Response(status=204)

    def methodology(self):
        body = self.served.page(("methodology", None))
        return self.render("Methodology and factor sets", [body])


def create_app(settings: Settings, store: Store) -> Flask:
    app = Flask("greenblue")
    app.config["MAX_CONTENT_LENGTH"] = max_upload_mb() * 1024 * 1024
    web = Web(settings, store)
    web.served.watch()
    app.before_request(web.before)
    app.after_request(web.after)
    app.register_error_handler(HTTPException, web.error)
    rules = [
        ("/login", "login", web.login, ["GET", "POST"]),
        ("/logout", "logout", web.logout, ["GET", "POST"]),
        ("/", "overview", web.overview, ["GET"]),
        ("/methodology", "methodology", web.methodology, ["GET"]),
        ("/favicon.ico", "favicon", web.favicon, ["GET"]),
        ("/org/<code>", "dashboard", web.dashboard, ["GET"]),
        ("/org/<code>/submissions", "submissions", web.submissions, ["GET"]),
        ("/org/<code>/download/<what>.<fmt>", "download", web.download, ["GET"]),
        ("/org/<code>/upload", "upload", web.upload, ["GET", "POST"]),
        ("/org/<code>/upload/<token>", "upload_preview", web.upload_preview, ["GET"]),
        ("/org/<code>/upload/<token>/confirm", "upload_confirm", web.upload_confirm, ["POST"]),
        ("/org/<code>/upload/<token>/cancel", "upload_cancel", web.upload_cancel, ["POST"]),
    ]
    for rule, endpoint, view, methods in rules:
        app.add_url_rule(rule, endpoint, view, methods=methods)
    training.register(app, web)
    return app

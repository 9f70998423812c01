"""The training module: lessons with a quiz, completions, and the count exported to the pipeline.

- `/training` lists the lessons (report/lessons.py) with the signed-in user's completions;
  `/training/<lesson>` shows a lesson and its quiz form; answering at least the pass mark
  (report.lessons.PASS_MARK) of the questions correctly completes the lesson. The form
  carries the session's CSRF token like every other POST of the application (web/app.py).
- A completion is recorded in the application's own database (`training_completions`:
  user, organization, lesson, year, time; one row per user, lesson and year) and in the audit
  log. The organization is the account's: an account for every organization (`--all`) may
  read the lessons and take the quizzes, but its completions count under no organization and
  are not recorded.
- After each completion, and with `greenblue users training-export`, the counts are written
  to `landing/_system/training/completions.csv` for the pipeline (connectors/management.py):
  per organization and year, the number of distinct people who completed at least one
  lesson, audience `requisitioners`. The file is written whole (temporary file, fsync,
  rename): the module owns it, and usernames never leave the database.
"""

import csv
import io
import os
import tempfile
import threading
from html import escape
from pathlib import Path

from flask import Flask, abort, g, request

from connectors.management import TRAINING_COLUMNS
from report import lessons, site
from web.accounts import Store, now, stamp
from web.html import hidden, link, note

AUDIENCE = "requisitioners"
SCHEMA = """
create table if not exists training_completions (
    username text not null,
    org_code text not null,
    lesson text not null,
    year integer not null,
    completed_at text not null,
    primary key (username, lesson, year)
);
"""
EXPORT_LOCK = threading.Lock()


def export_path(landing: Path) -> Path:
    return landing / "_system" / "training" / "completions.csv"


class Completions:
    """Completions in the web application's database (the Store's file)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        with store.connect() as con:
            con.executescript(SCHEMA)

    def record(self, username: str, org_code: str, lesson: str) -> bool:
        """A completion for this year; False when the user had completed it already."""
        moment = now()
        with self.store.connect() as con:
            return (
                con.execute(
                    "insert or ignore into training_completions values (?, ?, ?, ?, ?)",
                    [username, org_code, lesson, moment.year, stamp(moment)],
                ).rowcount
                > 0
            )

    def of_user(self, username: str) -> dict[str, list[int]]:
        """The years in which the user completed each lesson."""
        with self.store.connect() as con:
            rows = con.execute(
                "select lesson, year from training_completions where username = ? "
                "order by lesson, year",
                [username],
            ).fetchall()
        done: dict[str, list[int]] = {}
        for lesson, year in rows:
            done.setdefault(lesson, []).append(year)
        return done

    def counts(self) -> list[tuple[str, int, int]]:
        """(organization, year, distinct people with at least one completion)."""
        with self.store.connect() as con:
            return con.execute(
                "select org_code, year, count(distinct username) from training_completions "
                "group by org_code, year order by org_code, year"
            ).fetchall()


def counts_csv(counts: list[tuple[str, int, int]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TRAINING_COLUMNS)
    writer.writerows([org, year, AUDIENCE, people] for org, year, people in counts)
    return out.getvalue()


def write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never a part: temporary file in the same
    folder, fsync, rename, fsync of the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def export(store: Store, landing: Path) -> Path:
    """Write the counts of people trained for the pipeline; returns the file."""
    path = export_path(landing)
    with EXPORT_LOCK:
        write_atomically(path, counts_csv(Completions(store).counts()))
    return path


# --- Pages ----------------------------------------------------------------------------------


def index_body(done: dict[str, list[int]], org_code: str | None) -> list[str]:
    rows = [
        (
            link(f"/training/{lesson.id}", lesson.title),
            len(lesson.quiz),
            ", ".join(str(y) for y in done.get(lesson.id, [])) or "not yet",
        )
        for lesson in lessons.lessons()
    ]
    scope = (
        f"Completions count for {org_code}."
        if org_code
        else "Your account works for every organization: completions count under none and "
        "are not recorded."
    )
    return [
        "<p>Lessons for requisitioners, generated from the product-guideline catalogue and "
        f"the methodology. Pass mark: {lessons.PASS_MARK:.0%} of a quiz's questions.</p>",
        note(scope),
        site.table(["lesson", "questions", "completed in"], rows),
    ]


def quiz_form(lesson: lessons.Lesson, csrf: str) -> str:
    parts = [f'<form class="box" method="post" action="/training/{escape(lesson.id)}">']
    parts.append(hidden("csrf_token", csrf))
    for number, q in enumerate(lesson.quiz, start=1):
        options = "".join(
            f'<label><input type="radio" name="{escape(q.id)}" value="{escape(o)}"> '
            f"{escape(o)}</label>"
            for o in q.options
        )
        parts.append(f"<fieldset><legend>{number}. {escape(q.text)}</legend>{options}</fieldset>")
    parts.append('<button class="primary" type="submit">Submit answers</button></form>')
    return "".join(parts)


def result_body(lesson: lessons.Lesson, answers: dict[str, str], outcome: str) -> list[str]:
    score, total = lesson.score(answers), len(lesson.quiz)
    passed = lesson.passed(answers)
    wrong = [q for q in lesson.quiz if answers.get(q.id) != q.correct]
    parts = [note(f"{score} of {total} correct. {outcome}", "good" if passed else "error")]
    if passed:
        parts += [f"<p>{escape(q.text)} {escape(q.explanation)}</p>" for q in wrong]
    else:
        parts.append("<p>Read the lesson again and retry the questions you missed.</p>")
    return [*parts, f"<p>{link('/training', 'Back to the lessons')}</p>"]


class Training:
    def __init__(self, web) -> None:
        self.web = web
        self.completions = Completions(web.store)

    def lesson(self, lesson_id: str) -> lessons.Lesson:
        found = lessons.by_id(lesson_id)
        if found is None:
            abort(404)
        return found

    def index(self):
        body = index_body(self.completions.of_user(g.user.username), g.user.org_code)
        return self.web.render("Training", body)

    def page(self, lesson_id: str):
        lesson = self.lesson(lesson_id)
        if request.method == "GET":
            return self.web.render(lesson.title, [lesson.body, quiz_form(lesson, g.csrf)])
        answers = {q.id: request.form.get(q.id, "") for q in lesson.quiz}
        outcome = self.answered(lesson, answers)
        return self.web.render(lesson.title, result_body(lesson, answers, outcome))

    def answered(self, lesson: lessons.Lesson, answers: dict[str, str]) -> str:
        """Record a pass (and export the counts); what the user is told about it."""
        user, store = g.user, self.web.store
        detail = f"{lesson.id}: {lesson.score(answers)} of {len(lesson.quiz)}"
        if not lesson.passed(answers):
            store.audit("training_failed", user.username, user.org_code, self.web.address(), detail)
            return f"The pass mark is {lessons.PASS_MARK:.0%}: not completed."
        if user.org_code is None:
            store.audit("training_passed", user.username, None, self.web.address(), detail)
            return "Passed; not recorded: your account counts under no organization."
        self.completions.record(user.username, user.org_code, lesson.id)
        store.audit("training_completed", user.username, user.org_code, self.web.address(), detail)
        export(store, self.web.settings.landing)
        return f"Passed: lesson completed for {user.org_code}."


def register(app: Flask, web) -> None:
    """Add the training routes to the application (`web` is web.app's Web)."""
    training = Training(web)
    app.add_url_rule("/training", "training", training.index, methods=["GET"])
    app.add_url_rule(
        "/training/<lesson_id>", "training_lesson", training.page, methods=["GET", "POST"]
    )

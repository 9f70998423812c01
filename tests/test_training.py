"""The training module: lessons generated from the product-guideline catalogue and the
methodology, their static pages in `greenblue report`, and the quiz on a real
`greenblue serve` process (the server, accounts and client of tests/test_web.py): a focal
point fails a quiz, passes it, a form without its token is refused, and the count of people
trained reaches `landing/_system/training/completions.csv` in the form the pipeline's reader
(connectors/management.py) accepts, without a username.
"""

import csv
import datetime as dt
import io
import re
import sqlite3
from html import escape

import pytest
import test_web
from progress_warehouse import published
from test_web import PASSWORDS, Client, signed_in

from connectors.management import TRAINING_COLUMNS, read_training
from connectors.organizations import load_registry
from pipelines.cli import main
from report import lessons
from report.catalogue import GUIDELINES, METHODOLOGY
from web.training import AUDIENCE, export_path

pytestmark = pytest.mark.slow

LESSON = "product-guidelines"
# the served copy, its accounts and its server process, as tests/test_web.py has them
web = test_web.web


def catalogue() -> list[dict[str, str]]:
    with GUIDELINES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def items(text: str) -> list[str]:
    return [item.strip() for item in text.split(";") if item.strip()]


def quiz_of(lesson_id: str) -> dict[str, lessons.Question]:
    return {q.id: q for q in lessons.by_id(lesson_id).quiz}


def test_every_product_group_of_the_catalogue_is_taught_with_its_criteria():
    body = lessons.by_id(LESSON).body
    rows = catalogue()
    assert len(rows) > 20
    for row in rows:
        assert escape(f"{row['unspsc_family']} {row['product_group']}") in body
        for criterion in items(row["criteria"]):
            assert f"<li>{escape(criterion)}</li>" in body
        for label in items(row["ecolabels"]):
            assert escape(label) in body
    assert lessons.lessons() == lessons.lessons()  # the same files, the same quiz


def test_quiz_answers_are_the_catalogue_s():
    by_group = {row["product_group"]: row for row in catalogue()}
    quiz = quiz_of(LESSON)
    assert 3 <= len(quiz) <= 5
    for q in quiz.values():
        assert q.options == tuple(sorted(q.options)) and len(set(q.options)) >= 3
    asked = re.search(r"“(.+)”", quiz["q1"].text)[1]
    assert [g for g in quiz["q1"].options if asked in items(by_group[g]["criteria"])] == [
        quiz["q1"].correct
    ]
    group = re.search(r"guideline for (.+) accept", quiz["q2"].text)[1]
    labels = items(by_group[group]["ecolabels"])
    assert [o for o in quiz["q2"].options if o in labels] == [quiz["q2"].correct]
    assert [g for g in quiz["q3"].options if not by_group[g]["ecolabels"]] == [quiz["q3"].correct]
    code = re.search(r"UNSPSC code (\d{8})", quiz["q4"].text)[1]
    assert by_group[quiz["q4"].correct]["unspsc_family"] == code[:4]


def test_carbon_figure_answers_are_the_methodology_s():
    text = " ".join(METHODOLOGY.read_text(encoding="utf-8").split())
    quiz = quiz_of("carbon-figures")
    assert f"data quality {quiz['q1'].correct}," in text
    assert quiz["q2"].correct == "500 kg CO2e"  # 10,000 USD x 0.05 kg per USD
    activity = re.search(r"counted from activity data \(([\d, ]+)\)", text)[1].split(", ")
    families = [o.split()[0] for o in quiz["q3"].options]
    assert [f for f in families if f in activity] == [quiz["q3"].correct.split()[0]]


def test_the_report_writes_the_lessons_with_their_answers(tmp_path_factory):
    report = published(tmp_path_factory.getbasetemp()).report / "training"
    assert sorted(p.name for p in report.glob("*.html")) == sorted(
        ["index.html", *(f"{lesson.id}.html" for lesson in lessons.lessons())]
    )
    index = (report / "index.html").read_text(encoding="utf-8")
    for lesson in lessons.lessons():
        assert f'href="{lesson.id}.html"' in index
        html = (report / f"{lesson.id}.html").read_text(encoding="utf-8")
        assert "<form" not in html and lesson.body in html
        for q in lesson.quiz:
            assert f"<strong>{escape(q.correct)}</strong> (correct)" in html
            assert escape(q.explanation) in html


def answers(lesson_id: str, right: int) -> dict[str, str]:
    """The first `right` questions answered correctly, the others wrongly."""
    return {
        q.id: q.correct if n < right else next(o for o in q.options if o != q.correct)
        for n, q in enumerate(lessons.by_id(lesson_id).quiz)
    }


def completions(web) -> list[tuple]:
    con = sqlite3.connect(web.web_db)
    try:
        return con.execute(
            "select username, org_code, lesson, year from training_completions order by 1, 3"
        ).fetchall()
    finally:
        con.close()


def exported(web) -> tuple[bytes, list[dict[str, str]]]:
    data = export_path(web.landing).read_bytes()
    return data, list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def take(client: Client, lesson_id: str, right: int, with_token: bool = True):
    form = answers(lesson_id, right)
    if with_token:
        form["csrf_token"] = client.csrf
    return client.post(f"/training/{lesson_id}", form)


def test_a_focal_point_fails_then_passes_and_only_the_pass_counts(web):
    year = dt.datetime.now(dt.UTC).year
    fp = signed_in(web, "fp")
    listed = fp.get("/training")
    assert listed.status_code == 200 and "not yet" in listed.text
    assert '<a href="/training">Training</a>' in fp.get("/methodology").text
    page = fp.get(f"/training/{LESSON}")
    assert page.status_code == 200 and 'name="csrf_token"' in page.text
    assert all(escape(q.text) in page.text for q in lessons.by_id(LESSON).quiz)

    refused = take(fp, LESSON, right=4, with_token=False)
    assert refused.status_code == 400
    failed = take(fp, LESSON, right=3)  # 75 %: under the pass mark
    assert failed.status_code == 200 and "not completed" in failed.text
    assert completions(web) == []

    passed = take(fp, LESSON, right=4)
    assert passed.status_code == 200 and "lesson completed for UNEP" in passed.text
    assert completions(web) == [("fp", "UNEP", LESSON, year)]
    assert f"<td>{year}</td>" in fp.get("/training").text
    events = [(e, u, o) for e, u, o, _ in web.audit() if e.startswith(("training", "csrf"))]
    assert events[-3:] == [
        ("csrf_refused", "fp", None),
        ("training_failed", "fp", "UNEP"),
        ("training_completed", "fp", "UNEP"),
    ]
    assert fp.get("/training/no-such-lesson").status_code == 404
    assert Client(web.url).get("/training").status_code == 303  # signed out: to sign-in


def test_the_export_holds_distinct_people_per_organization_and_year(web):
    year = str(dt.datetime.now(dt.UTC).year)
    fp, other, sec = (signed_in(web, name) for name in ("fp", "fp-other", "sec"))
    assert "lesson completed" in take(fp, "carbon-figures", right=3).text
    assert "lesson completed" in take(other, "carbon-figures", right=3).text
    assert "counts under no organization" in take(sec, LESSON, right=4).text
    assert all(user != "sec" for user, *_ in completions(web))

    data, rows = exported(web)
    assert rows == [
        {"org_code": "UNDP", "year": year, "audience": AUDIENCE, "people_trained": "1"},
        {"org_code": "UNEP", "year": year, "audience": AUDIENCE, "people_trained": "1"},
    ]
    assert data.decode("utf-8").splitlines()[0] == ",".join(TRAINING_COLUMNS)
    cells = {cell for row in rows for cell in row.values()}
    assert not cells & set(PASSWORDS) and b"fp" not in data
    assert not list(export_path(web.landing).parent.glob(".completions.csv.*"))

    registry = load_registry(web.landing / "organizations.yaml")
    read = read_training(data, "completions.csv", set(registry.organizations))
    assert read.problems == {}
    assert [(r["org_code"], r["year"], r["people_trained"]) for r in read.rows] == [
        ("UNDP", int(year), 1),
        ("UNEP", int(year), 1),
    ]


def test_the_export_command_writes_the_same_counts(web, monkeypatch, capsys):
    before, _ = exported(web)
    export_path(web.landing).unlink()
    for name, value in web.env.items():
        monkeypatch.setenv(name, value)
    assert main(["users", "training-export"]) == 0
    assert str(export_path(web.landing)) in capsys.readouterr().out
    assert exported(web)[0] == before

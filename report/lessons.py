"""Training lessons for requisitioners, generated from the procurement sources.

Each lesson is built from the product-guideline catalogue and the methodology's procurement
rules (`report.catalogue`, the same readers the procurement handbook uses), so a change to
either file changes the lessons and their quizzes. A quiz has 3-5 multiple-choice questions
whose answer is read from the data; options are sorted, so the same files always give the
same quiz. The web application (web/training.py) serves the lessons with a quiz form;
`greenblue report` writes them as static pages with the answers explained
(`write_pages`).
"""

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from report.catalogue import Guideline, guidelines, methodology_rules

PASS_MARK = 0.8  # share of questions answered correctly that completes a lesson
EXAMPLE_USD, EXAMPLE_FACTOR = 10_000, 0.05  # the worked example of the carbon-figures lesson


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    options: tuple[str, ...]
    answer: int  # index of the correct option
    explanation: str

    @property
    def correct(self) -> str:
        return self.options[self.answer]


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    body: str  # HTML
    quiz: tuple[Question, ...]

    def score(self, answers: dict[str, str]) -> int:
        """How many questions `answers` (question id -> option text) gets right."""
        return sum(answers.get(q.id) == q.correct for q in self.quiz)

    def passed(self, answers: dict[str, str]) -> bool:
        return self.score(answers) >= PASS_MARK * len(self.quiz)


def question(qid: str, text: str, correct: str, others: list[str], why: str) -> Question:
    """A question with its options sorted, so the correct one has no telling place."""
    options = tuple(sorted({correct, *others}))
    return Question(qid, text, options, options.index(correct), why)


def inline(markdown: str) -> str:
    """The methodology's inline Markdown (bold, code) as escaped HTML."""
    html = escape(markdown, quote=False)
    html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html)


def following(items: list, start: int, count: int, keep) -> list:
    """`count` items after position `start` (wrapping round) for which `keep` holds."""
    ring = items[start + 1 :] + items[: start + 1]
    return [item for item in ring if keep(item)][:count]


# --- Lesson 1: the product guidelines -------------------------------------------------------


def guideline_html(g: Guideline) -> str:
    labels = (
        f"<p>Ecolabels accepted as proof: {escape(', '.join(g.ecolabels))}.</p>"
        if g.ecolabels
        else "<p>No ecolabel named: ask for evidence of each criterion.</p>"
    )
    criteria = "".join(f"<li>{escape(c)}</li>" for c in g.criteria)
    return (
        f"<h3>{escape(g.family)} {escape(g.group)}</h3><ul>{criteria}</ul>{labels}"
        f'<p class="meta">Reference: {escape(g.reference)}.</p>'
    )


def criterion_question(gl: list[Guideline], at: int) -> Question:
    """Which group asks for a criterion only its guideline names."""
    for offset in range(len(gl)):
        g = gl[(at + offset) % len(gl)]
        unique = [c for c in g.criteria if all(c not in o.criteria for o in gl if o != g)]
        if unique:
            break
    others = following(gl, gl.index(g), 3, lambda o: unique[0] not in o.criteria)
    return question(
        "q1",
        f"Which product group's guideline asks for: “{unique[0]}”?",
        g.group,
        [o.group for o in others],
        f"The guideline for {g.group} (UNSPSC family {g.family}) lists: {'; '.join(g.criteria)}.",
    )


def ecolabel_question(gl: list[Guideline], at: int) -> Question:
    """Which ecolabel a group's guideline accepts, among labels it does not."""
    g = following(gl, at - 1, 1, lambda o: o.ecolabels)[0]
    labels = sorted({label for o in gl for label in o.ecolabels})
    others = following(labels, labels.index(g.ecolabels[0]), 3, lambda x: x not in g.ecolabels)
    return question(
        "q2",
        f"Which ecolabel does the guideline for {g.group} accept as proof?",
        g.ecolabels[0],
        others,
        f"{g.group} accepts {', '.join(g.ecolabels)}; the other labels belong to other groups.",
    )


def no_label_question(gl: list[Guideline], at: int) -> Question:
    """Which group's guideline names no ecolabel."""
    g = following(gl, at - 1, 1, lambda o: not o.ecolabels)[0]
    others = following(gl, gl.index(g), 3, lambda o: bool(o.ecolabels))
    return question(
        "q3",
        "Which product group's guideline names no ecolabel, so each criterion needs its own "
        "evidence?",
        g.group,
        [o.group for o in others],
        f"The catalogue names no ecolabel for {g.group}; the others name at least one.",
    )


def family_question(gl: list[Guideline], at: int) -> Question:
    """Which guideline covers a PO line, by the UNSPSC family of its code."""
    g = gl[at % len(gl)]
    code = f"{g.family}1500"
    others = following(gl, gl.index(g), 3, lambda o: o != g)
    return question(
        "q4",
        f"A purchase-order line has UNSPSC code {code}. Which product guideline covers it?",
        g.group,
        [o.group for o in others],
        f"A line is covered by a guideline when its UNSPSC family (the first four digits, "
        f"{g.family}) is in the catalogue: {g.family} is {g.group}.",
    )


def guidelines_lesson() -> Lesson:
    gl = guidelines()
    n = len(gl)
    rules = methodology_rules()
    body = (
        "<p>Every product group below has a guideline: write its criteria into the "
        "specification or the evaluation of a tender, and ask for one of the ecolabels as "
        "proof where one is named. The criteria summarise the referenced criteria sets; they "
        "are not the official text.</p>"
        f'<p class="note">{inline(rules["Sustainability flags"])}</p>'
        + "".join(guideline_html(g) for g in gl)
    )
    quiz = (
        criterion_question(gl, n // 4),
        ecolabel_question(gl, 0),
        no_label_question(gl, n // 2),
        family_question(gl, 3 * n // 4),
    )
    return Lesson(
        "product-guidelines", "Product guidelines: the criteria per product group", body, quiz
    )


# --- Lesson 2: the carbon figures in the ERP ------------------------------------------------


def quality_question(rule: str) -> Question:
    quality = re.search(r"data quality (\d)", rule)[1]
    return question(
        "q1",
        "What data quality does a spend-based carbon figure carry (1 best, 5 worst)?",
        quality,
        [str(q) for q in range(1, 6)],
        f"Spend-based emissions are data quality {quality}: an industry average per dollar, "
        "not the product's own footprint.",
    )


def estimate_question() -> Question:
    kg = EXAMPLE_USD * EXAMPLE_FACTOR
    wrong = [EXAMPLE_USD / EXAMPLE_FACTOR, kg / 10, kg * 10]
    return question(
        "q2",
        f"A material group shows KGCO2E_PER_USD {EXAMPLE_FACTOR}. About how much CO2e does an "
        f"order of {EXAMPLE_USD:,} US dollars in it add?",
        f"{kg:,.0f} kg CO2e",
        [f"{w:,.0f} kg CO2e" for w in wrong],
        f"Amount in US dollars x kg CO2e per US dollar: {EXAMPLE_USD:,} x {EXAMPLE_FACTOR} = "
        f"{kg:,.0f} kg.",
    )


def activity_question(rule: str, gl: list[Guideline]) -> Question:
    """A family counted from activity data (no spend-based figure), among ones that are not."""
    listed = re.search(r"counted from\s+activity data \(([\d, ]+)\)", rule)[1]
    families = [f.strip() for f in listed.split(",")]
    names = {g.family: g.group for g in gl}
    chosen = next((f for f in families if f in names), families[0])
    others = following(gl, 0, 3, lambda g: g.family not in families)

    def shown(family: str) -> str:
        return f"{family} {names[family]}" if family in names else family

    return question(
        "q3",
        "Which UNSPSC family carries spend but no spend-based emission row, because its "
        "emissions are counted from activity data (fuel, electricity, travel, meals)?",
        shown(chosen),
        [shown(g.family) for g in others],
        f"The methodology counts families {', '.join(families)} from activity data; their "
        "write-back shows no factor rather than a spend-based one.",
    )


def figures_lesson() -> Lesson:
    rules = methodology_rules()
    body = (
        "<p><code>greenblue erp-export</code> writes carbon figures back into SAP or Oracle "
        "(docs/erp-write-back.md): per material group or purchasing category, kg CO2e per "
        "US dollar of the spend-based factor edition in use, with its edition id "
        "(<code>FACTOR_SET</code>) and data quality; per open purchase-order line, its "
        "estimated kg CO2e. This is how they are computed (factors/METHODOLOGY.md):</p><ul>"
        + "".join(
            f"<li>{inline(rules[name])}</li>"
            for name in ("Spend-based emissions", "Write-back figures")
        )
        + "</ul><p>Use the figures to see where the carbon of purchasing lies and to compare "
        "options within a group; spend-based figures grow with the price, so choose the better "
        "product with the guideline's criteria, not with the figure alone.</p>"
    )
    spend = rules["Spend-based emissions"]
    quiz = (quality_question(spend), estimate_question(), activity_question(spend, guidelines()))
    return Lesson("carbon-figures", "Reading the carbon figures in the ERP", body, quiz)


def lessons() -> list[Lesson]:
    return [guidelines_lesson(), figures_lesson()]


def by_id(lesson_id: str) -> Lesson | None:
    return next((lesson for lesson in lessons() if lesson.id == lesson_id), None)


# --- Static pages ---------------------------------------------------------------------------


def answers_html(lesson: Lesson) -> str:
    """The quiz with its answers explained (static pages: no form)."""
    parts = ["<h2>Quiz, with the answers</h2><ol>"]
    for q in lesson.quiz:
        options = "".join(
            f"<li><strong>{escape(o)}</strong> (correct)</li>"
            if i == q.answer
            else f"<li>{escape(o)}</li>"
            for i, o in enumerate(q.options)
        )
        parts.append(
            f"<li><p>{escape(q.text)}</p><ul>{options}</ul><p>{escape(q.explanation)}</p></li>"
        )
    return "".join([*parts, "</ol>"])


def document(title: str, body: str, css: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{css}</style></head><body>"
        '<nav class="site"><a href="../index.html">System-wide</a>'
        '<a href="index.html">Training</a></nav>'
        f"<h1>{escape(title)}</h1>{body}</body></html>"
    )


def index_html(all_lessons: list[Lesson]) -> str:
    items = "".join(
        f'<li><a href="{escape(lesson.id)}.html">{escape(lesson.title)}</a> '
        f"({len(lesson.quiz)} questions)</li>"
        for lesson in all_lessons
    )
    return (
        "<p>Lessons for requisitioners, generated from the product-guideline catalogue and "
        "the methodology. Signed-in users take the quizzes in the web application, which "
        f"counts the people trained.</p><ul>{items}</ul>"
    )


def write_pages(out: Path, css: str = "") -> list[Path]:
    """`index.html` and one page per lesson into `out`; returns the pages."""
    out.mkdir(parents=True, exist_ok=True)
    all_lessons = lessons()
    pages = [out / "index.html"]
    pages[0].write_text(document("Training", index_html(all_lessons), css), encoding="utf-8")
    for lesson in all_lessons:
        path = out / f"{lesson.id}.html"
        html = document(lesson.title, lesson.body + answers_html(lesson), css)
        path.write_text(html, encoding="utf-8")
        pages.append(path)
    return pages

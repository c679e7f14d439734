"""The demo readings: a few real paragraphs for every text lesson of the demo catalog
(lesson title -> Markdown). The seed uses them; a test checks every text lesson has one."""

from __future__ import annotations

READINGS = {
    "Installing Python": """\
Python runs on Windows, macOS and Linux, and the installer takes about five minutes. Go to
[python.org/downloads](https://www.python.org/downloads/) and pick the latest 3.x release. On
Windows, tick **Add python.exe to PATH** on the first screen of the installer; forgetting it is the
most common reason `python` is "not recognised" later.

On macOS the system may already have an old Python. Install the current one from python.org or with
Homebrew (`brew install python`), and use `python3` to start it. Most Linux distributions ship Python 3;
install the `python3-venv` package as well so you can create virtual environments.

Check that it worked by opening a terminal and typing:

```bash
python3 --version
```

You should see `Python 3.12` or newer. Finally, install a code editor: VS Code with the Python extension is
a good free choice. You are ready for your first script.
""",
    "Variables and types": """\
A variable is a name that points at a value. You create one by assigning to it: `age = 31`. Python
works out the type from the value, so you never declare it; you can ask with `type(age)`.

The types you will use every day are `int` (whole numbers), `float` (decimals), `str` (text in quotes),
`bool` (`True` or `False`) and `None`, which means "no value yet". Mixing types needs care: `"3" + 4`
raises a `TypeError`, while `int("3") + 4` is `7`.

```python
name = "Ada"
lessons_done = 3
progress = lessons_done / 7
print(f"{name} has finished {progress:.0%} of the course")
```

Names should say what they hold: `lessons_done` beats `x`. Python's convention is lower case with
underscores, and a name can point at a new value at any time — the old value is simply forgotten.
""",
    "Protocols and generics": """\
A `Protocol` describes what an object can *do* rather than what it *is*. Any class with the right
methods matches, without inheriting from anything — this is "duck typing" that your type checker can
verify.

```python
from typing import Protocol

class SupportsClose(Protocol):
    def close(self) -> None: ...

def shut_all(things: list[SupportsClose]) -> None:
    for thing in things:
        thing.close()
```

Generics let one function or class work with many types while keeping them connected. In Python 3.12
you write `def first[T](items: list[T]) -> T`, and the checker knows that `first(["a"])` is a `str`.

Use protocols at the edges of your code (what a function accepts) and concrete classes inside. Keep
them small: a protocol with one or two methods is far easier to satisfy than one with ten.
""",
    "Testing with pytest": """\
pytest finds every file named `test_*.py` and runs every function whose name starts with `test_`.
A plain `assert` is all you need; when it fails pytest shows the values on both sides.

```python
def test_discount_is_capped():
    assert price_after(100, discount=150) == 0
```

Fixtures provide what a test needs — a temporary directory, a database session, a signed-in user —
and clean up afterwards. Ask for one by naming it as a parameter; pytest builds it for you.

A good test fails for exactly one reason and its name says which. Start with the behaviour that
matters most to your users, run `pytest -x` to stop at the first failure, and keep the suite fast
enough that you run it before every commit.
""",
    "Components and state": """\
A web page built from components is a tree of small functions, each returning a piece of the
interface: a navbar, a card, a form. Components take arguments and can contain other components,
so the page is built the same way you build any program.

State is the data that can change while the page is open: the text in a search box, the items in a
cart. In a pure-Python framework the state lives in a class on the server, and event handlers —
methods called when the user clicks or types — change it. The framework sends only the changed
values to the browser, which re-renders the parts that depend on them.

Keep state minimal and derive the rest: store the list of items and compute the total, rather than
storing both. And remember that every event handler can be called by anyone with any arguments,
so check permissions on the server every time.
""",
    "Alignment recipes": """\
Most layout questions in flexbox are one of five recipes.

- **Centre anything**: `display: flex; justify-content: center; align-items: center;`.
- **Push the last item to the end**: give it `margin-left: auto`.
- **Equal-width columns**: `flex: 1` on every child.
- **A sidebar that keeps its width**: `flex: 0 0 16rem` on the sidebar, `flex: 1` on the content.
- **Wrap cards onto new lines**: `flex-wrap: wrap; gap: 1rem;` on the container.

Remember which axis you are on: `justify-content` works along the main axis (a row by default) and
`align-items` across it. Switch to `flex-direction: column` and the two swap roles — the source of
most "why won't it centre?" moments.

Use `gap` instead of margins between items; it never adds space at the edges.
""",
    "Loading data": """\
Real data arrives as CSV, Excel, JSON or a database table, and pandas reads all of them into a
DataFrame with one call: `pd.read_csv`, `pd.read_excel`, `pd.read_json`, `pd.read_sql`.

```python
import pandas as pd

sales = pd.read_csv("sales.csv", parse_dates=["ordered_at"], dtype={"zip": "string"})
sales.info()
```

Always look before you analyse. `df.head()` shows the first rows, `df.info()` the column types and
missing values, `df.describe()` the ranges. Wrong types are the usual surprise: postcodes read as
numbers lose their leading zeros, and dates read as text cannot be grouped by month.

Fix types while loading (`dtype=`, `parse_dates=`) rather than afterwards, and keep the raw file
untouched so every step can be repeated.
""",
    "Plotting results": """\
A chart should answer one question. Decide the question first — "did sales grow after the launch?" —
and then pick the chart: a line for change over time, bars for comparing groups, a scatter plot for
the relation between two numbers.

pandas draws directly from a DataFrame:

```python
monthly = sales.resample("MS", on="ordered_at")["amount"].sum()
ax = monthly.plot(title="Sales per month")
ax.set_ylabel("USD")
```

Label the axes with units, start bar charts at zero, and remove what does not help the reader:
grid lines, 3-D effects, legends for a single series. If colour carries meaning, make sure the chart
still works for readers who cannot tell red from green.
""",
    "Cross-validation": """\
A model that scores well on the data it was trained on has only proved that it can memorise.
Cross-validation estimates how it will do on data it has never seen.

In *k*-fold cross-validation the data is split into *k* parts. The model is trained *k* times, each
time on *k − 1* parts, and scored on the part left out. The mean of the *k* scores is your estimate,
and their spread tells you how much to trust it.

```python
from sklearn.model_selection import cross_val_score
scores = cross_val_score(model, X, y, cv=5)
print(scores.mean(), scores.std())
```

Two rules keep it honest: do every preprocessing step (scaling, feature selection) inside the folds,
with a pipeline, and never split time series at random — train on the past and test on the future.
""",
    "Type scales": """\
A type scale is a short list of font sizes that all text on a page chooses from. Instead of picking
15, 17 and 22 px by eye, you multiply a base size by a ratio: with a 16 px base and a ratio of 1.25
you get 16, 20, 25, 31 and 39 px.

Fewer sizes make a calmer page and a clearer hierarchy: a reader can tell a heading from body text at a
glance. Most interfaces need only four or five steps.

Set line height with the size: about 1.5 for body text, tighter (1.1–1.25) for large headings. Keep
lines between 45 and 75 characters, and never go below 16 px for body text on screens — small text
is the first thing people with tired eyes give up on.
""",
    "Perceivable content": """\
"Perceivable" is the first WCAG principle: everyone must be able to get the information, whatever
senses they use.

Every image that carries meaning needs a text alternative that says what it shows in context; purely
decorative images get an empty `alt=""` so screen readers skip them. Videos need captions, and audio
needs a transcript.

Colour must never be the only signal. A red border on an invalid field needs a message too. Text
needs enough contrast with its background: at least 4.5 : 1 for normal text and 3 : 1 for large
text and for the outlines of controls.

Finally, content must survive zoom and reflow: at 400 % zoom on a 1280 px screen the page should
need no horizontal scrolling. Test it — it takes one minute and finds real problems.
""",
    "Outlining lessons": """\
A good outline starts from the end: write down what a learner will be able to *do* after the course,
as verbs you could check — "write a Dockerfile for a Python app", not "understand Docker".

Group those outcomes into modules of three to six lessons, ordered so each lesson uses only what came
before. Each lesson gets one clear goal and ends with something the learner does: a quiz, an
exercise, a small project step.

Keep video lessons short — five to ten minutes — and put the detail into readings that learners can
skim and come back to. Finally, mark one or two early lessons as free previews: they are your best
sales page.
""",
    "Writing a good Dockerfile": """\
A good Dockerfile builds fast, produces a small image and runs safely.

```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER 1000
CMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000"]
```

Order matters: Docker caches each step, so copy the dependency list and install it *before* copying
your code. Then a code change rebuilds in seconds instead of reinstalling everything.

Start from a slim base image, pin its version, and add a `.dockerignore` so `.git`, virtual
environments and local data never enter the image. Run as a non-root user, and keep secrets out of the
image entirely — pass them as environment variables at run time.
""",
    "Indexes that matter": """\
An index lets PostgreSQL find rows without reading the whole table, like the index at the back of a
book. Without one, `WHERE email = '...'` on a million-row table reads every row.

Create indexes for the queries you actually run. A B-tree index on `(user_id, created_at)` serves
"this user's latest orders" in one step; the column order matters — equality columns first, then the
one you sort or range over.

```sql
CREATE INDEX CONCURRENTLY ix_orders_user_created ON orders (user_id, created_at DESC);
```

Check with `EXPLAIN ANALYZE` that the plan uses it. Every index costs space and slows down writes, so
drop the ones no query uses (`pg_stat_user_indexes` shows how often each is scanned).
""",
    "Kotlin crash course": """\
Kotlin is concise and safe by default. `val` declares a value that never changes, `var` one that
can; prefer `val`. Types are inferred: `val name = "Ada"` is a `String`.

Null safety is the feature you will notice first. A `String` can never be null; a `String?` can, and
the compiler makes you handle it:

```kotlin
val nickname: String? = user.nickname
println(nickname?.uppercase() ?: "No nickname")
```

Data classes give you `equals`, `hashCode`, `toString` and `copy` for free: `data class Lesson(val
title: String, val minutes: Int)`. Functions can live outside classes, and lambdas make collection
work short: `lessons.filter { it.minutes < 10 }.map { it.title }`.
""",
    "Navigation": """\
Mobile apps move between screens with a navigation stack: opening a screen pushes it on top, the back
button pops it. Tabs sit beside the stack, each tab usually with its own stack, so switching tabs
keeps where the user was.

Plan navigation before building screens. Draw the screens as boxes and the ways between them as
arrows; if a screen can be reached in many ways, it probably deserves a tab or a deep link.

Pass screens the *identifier* of what they show (an order id), not the whole object, and let the
screen load it. Then deep links from a notification, a web link or a restored session all work the
same way, and a screen never shows stale data.
""",
    "Broken access control": """\
Broken access control tops the OWASP Top 10: users reach data or actions they should not. The
classic case is changing an id in a URL — `/invoices/1042` to `/invoices/1043` — and seeing someone
else's invoice.

The rule is simple and must be applied everywhere: **check on the server, on every request, that this
user may do this to this object.** Hiding a button is not a check; every endpoint and every event
handler can be called directly with any arguments.

Deny by default, look up objects through the current user (`WHERE id = ? AND owner_id = ?`), and use
random, unguessable identifiers for things shared by link. Write a test for each rule — "a learner
cannot read another learner's submission" — so it stays true after the next refactor.
""",
}

# Short summaries shown under each video and the points on each PDF handout, by lesson title
# (a generic sentence built from the titles when a lesson is not listed).
VIDEO_NOTES = {
    "Why Python?": "Why Python is a good first language: readable code, a huge standard library, and jobs "
                   "from web development to data science.",
    "Your first script": "Write, save and run a script that asks for your name and greets you, and learn what "
                         "the interpreter does with each line.",
}


def video_note(lesson_title: str, course_title: str) -> str:
    return VIDEO_NOTES.get(lesson_title) or (
        f"A short video on {lesson_title.lower()} from {course_title}. Watch it to the end: the lesson "
        "completes by itself once you have seen most of it.")


def handout_points(lesson_title: str, course_title: str, outcomes: list[str]) -> tuple[str, ...]:
    return (f"This handout goes with the lesson \"{lesson_title}\" of {course_title}.",
            *outcomes,
            "Keep it next to you while you practise; every point is covered in the course videos.")

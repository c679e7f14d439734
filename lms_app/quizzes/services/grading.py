"""Grading: a pure function of an attempt's stored question snapshot and its stored answers.

No database, no clock. A question of the snapshot is a dict::

    {"id": 12, "kind": "single", "prompt": "...", "options": ["B", "A", "C"],  # display order
     "key": {"choice": 1}, "points": 2, "explanation": "..."}

Choice keys are indices into the snapshot's (possibly shuffled) option list, so the browser
only ever sees display positions. Answers (``{"<id>": value}``) were validated on save:

- single / true_false: an option index; multiple: a sorted list of indices (all-or-nothing:
  exactly the right set earns the points);
- short: text, compared case-insensitively with runs of spaces collapsed and ends trimmed;
- numeric: text, read as a number (a comma works as the decimal mark), correct within
  ``value ± tolerance``.

Scores are whole points; ``passed`` compares ``100 * score >= pass_percent * max`` exactly,
so 69.9 % never passes a 70 % quiz.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def normalise_text(text: str) -> str:
    return " ".join(text.casefold().split())


def parse_number(raw: object) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def is_correct(question: dict, answer: object) -> bool:
    kind, key = question.get("kind"), question.get("key") or {}
    if answer is None:
        return False
    if kind in ("single", "true_false"):
        return isinstance(answer, int) and not isinstance(answer, bool) and answer == key.get("choice")
    if kind == "multiple":
        return isinstance(answer, list) and sorted(set(answer)) == sorted(set(key.get("choices") or [])) \
            and bool(answer)
    if kind == "short":
        if not isinstance(answer, str) or not answer.strip():
            return False
        wanted = {normalise_text(a) for a in key.get("accepted") or []}
        return normalise_text(answer) in wanted
    if kind == "numeric":
        value = parse_number(answer)
        target, tolerance = parse_number(key.get("value")), parse_number(key.get("tolerance")) or 0.0
        if value is None or target is None:
            return False
        # A hair of slack for binary floating point (0.1 + 0.2 style), never more.
        return abs(value - target) <= abs(tolerance) + 1e-9 * max(1.0, abs(target))
    return False


@dataclass(frozen=True)
class Graded:
    score: int
    max_score: int
    percent: int
    passed: bool
    correct: tuple[bool, ...]  # per question, in snapshot order


def grade(questions: list[dict], answers: dict, pass_percent: int) -> Graded:
    answers = answers if isinstance(answers, dict) else {}
    correct = tuple(is_correct(q, answers.get(str(q.get("id")))) for q in questions)
    max_score = sum(int(q.get("points") or 0) for q in questions)
    score = sum(int(q.get("points") or 0) for q, ok in zip(questions, correct) if ok)
    percent = (100 * score) // max_score if max_score else 0
    passed = max_score > 0 and 100 * score >= pass_percent * max_score
    return Graded(score=score, max_score=max_score, percent=percent, passed=passed, correct=correct)


def answer_text(question: dict, answer: object) -> str:
    """The learner's answer as words (for the result page)."""
    options = question.get("options") or []
    if answer is None or answer == "" or answer == []:
        return "No answer"
    if question.get("kind") in ("single", "true_false") and isinstance(answer, int) and 0 <= answer < len(options):
        return options[answer]
    if question.get("kind") == "multiple" and isinstance(answer, list):
        return ", ".join(options[i] for i in answer if isinstance(i, int) and 0 <= i < len(options)) or "No answer"
    return str(answer)


def key_text(question: dict) -> str:
    """The correct answer as words (shown only when the quiz settings allow)."""
    key, options = question.get("key") or {}, question.get("options") or []
    kind = question.get("kind")
    if kind in ("single", "true_false"):
        i = key.get("choice")
        return options[i] if isinstance(i, int) and 0 <= i < len(options) else ""
    if kind == "multiple":
        return ", ".join(options[i] for i in key.get("choices") or [] if 0 <= i < len(options))
    if kind == "short":
        return " or ".join(key.get("accepted") or [])
    if kind == "numeric":
        value, tolerance = key.get("value"), key.get("tolerance") or 0
        return f"{_num(value)} (± {_num(tolerance)})" if tolerance else _num(value)
    return ""


def _num(value: object) -> str:
    number = parse_number(value)
    if number is None:
        return ""
    return str(int(number)) if number == int(number) else f"{number:g}"

"""What an admin reviewing a course sees of its quizzes: settings and every question with the
correct answers marked and the explanation (Markdown; admin review screen only, never a learner)."""

from __future__ import annotations

from lms_app.core.wording import plural

from sqlmodel import Session, select

from lms_app.quizzes.models import Quiz, QuizQuestion

KIND_LABELS = {"single": "one answer", "multiple": "several answers", "true_false": "true or false",
               "short": "short answer", "numeric": "number"}


def _points(n: int) -> str:
    return plural(n, "point")


def _settings_line(quiz: Quiz) -> str:
    parts = [f"Pass mark {quiz.pass_percent} %"]
    parts.append(plural(quiz.max_attempts, "attempt") if quiz.max_attempts else "unlimited attempts")
    if quiz.time_limit_minutes:
        parts.append(f"time limit {quiz.time_limit_minutes} min")
    if quiz.pool_size:
        parts.append(f"{quiz.pool_size} questions drawn per attempt")
    return " · ".join(parts)


def question_markdown(number: int, q: QuizQuestion) -> str:
    key = q.answer_key or {}
    lines = [f"**Question {number}** ({_points(q.points)}, {KIND_LABELS.get(q.kind, q.kind)})", "", q.prompt.strip(), ""]
    if q.kind in ("single", "true_false", "multiple"):
        right = {key.get("choice")} if q.kind != "multiple" else set(key.get("choices") or [])
        for i, option in enumerate(q.options):
            lines.append(f"- ✅ **{option}** (correct)" if i in right else f"- {option}")
    elif q.kind == "short":
        lines.append("Accepted answers: " + " / ".join(f"**{a}**" for a in key.get("accepted") or []))
    else:
        value, tolerance = key.get("value"), key.get("tolerance") or 0
        shown = f"{value:g}" if isinstance(value, (int, float)) else "?"
        lines.append(f"Answer: **{shown}**" + (f" ± {tolerance:g}" if tolerance else ""))
    if q.explanation.strip():
        lines += ["", f"*Explanation:* {q.explanation.strip()}"]
    return "\n".join(lines)


def review_markdown(session: Session, lesson_ids: list[int]) -> dict[int, str]:
    """{lesson id: Markdown} for the quiz lessons among ``lesson_ids`` (two queries)."""
    if not lesson_ids:
        return {}
    quizzes = {q.id: q for q in session.exec(select(Quiz).where(Quiz.lesson_id.in_(lesson_ids))).all()}
    questions: dict[int, list[QuizQuestion]] = {}
    if quizzes:
        for row in session.exec(select(QuizQuestion).where(QuizQuestion.quiz_id.in_(list(quizzes)))
                                .order_by(QuizQuestion.quiz_id, QuizQuestion.position, QuizQuestion.id)).all():
            questions.setdefault(row.quiz_id, []).append(row)
    out = {lid: "*No questions yet.*" for lid in lesson_ids}
    for quiz in quizzes.values():
        rows = questions.get(quiz.id, [])
        parts = [_settings_line(quiz)]
        parts += [question_markdown(i, q) for i, q in enumerate(rows, 1)] or ["*No questions yet.*"]
        out[quiz.lesson_id] = "\n\n---\n\n".join(parts)
    return out

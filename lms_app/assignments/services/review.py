"""What an admin reviewing a course sees of its assignments: grading settings and the rubric
(Markdown; the instructions are the lesson body, shown above it)."""

from __future__ import annotations

from sqlmodel import Session, select

from lms_app.core.wording import plural

from lms_app.assignments.models import AssignmentSettings, RubricCriterion


def _settings_line(cfg: AssignmentSettings | None) -> str:
    cfg = cfg or AssignmentSettings(lesson_id=0)
    mode = (f"peer review ({cfg.reviews_required} reviews each)" if cfg.grading_mode == "peer"
            else "graded by the teacher")
    due = f" · due {cfg.due_at.strftime('%Y-%m-%d %H:%M')} UTC" if cfg.due_at else ""
    return f"Assignment, {mode} · pass mark {cfg.pass_percent} %{due}"


def _criterion(row: RubricCriterion) -> str:
    levels = "; ".join(f"{level['label']}: {int(level['points'])}" for level in row.levels)
    top = max((int(level["points"]) for level in row.levels), default=0)
    text = f"- **{row.title}** (up to {top}) — {levels}"
    if row.description.strip():
        text += f"  \n  {row.description.strip()}"
    return text


def review_markdown(session: Session, lesson_ids: list[int]) -> dict[int, str]:
    """{lesson id: Markdown} for the assignment lessons among ``lesson_ids`` (two queries)."""
    if not lesson_ids:
        return {}
    settings = {c.lesson_id: c for c in session.exec(select(AssignmentSettings)
                                                     .where(AssignmentSettings.lesson_id.in_(lesson_ids))).all()}
    criteria: dict[int, list[RubricCriterion]] = {}
    for row in session.exec(select(RubricCriterion).where(RubricCriterion.lesson_id.in_(lesson_ids))
                            .order_by(RubricCriterion.lesson_id, RubricCriterion.position, RubricCriterion.id)).all():
        criteria.setdefault(row.lesson_id, []).append(row)
    out = {}
    for lid in lesson_ids:
        rows = criteria.get(lid, [])
        rubric = "\n".join(_criterion(r) for r in rows) if rows else "*No rubric yet.*"
        total = sum(max((int(lv["points"]) for lv in r.levels), default=0) for r in rows)
        out[lid] = f"{_settings_line(settings.get(lid))}\n\n**Rubric** ({plural(total, 'point')})\n\n{rubric}"
    return out

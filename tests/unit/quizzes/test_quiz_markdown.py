"""Quiz prompts, options and explanations are Markdown: the learner's player, the feedback, the
staff preview and the builder render them with the Markdown component (no raw HTML), never as
plain text with the backticks showing."""

from __future__ import annotations

import re

import pytest
import reflex as rx


def _texts_outside_markdown(component, fields: tuple[str, ...], inside: bool = False, out=None) -> list[str]:
    out = [] if out is None else out
    name = type(component).__name__
    inside = inside or name == "Markdown"
    if name == "Bare":
        text = str(component.contents)
        for field in fields:
            if re.search(r'\["%s"\]' % field, text) and not inside:
                out.append(f"{field}: {text[:120]}")
    for child in getattr(component, "children", []) or []:
        _texts_outside_markdown(child, fields, inside, out)
    # rx.foreach / rx.cond / rx.match keep their branches outside ``children``.
    for attr in ("render_fn", "comp1", "comp2", "match_cases", "default"):
        value = getattr(component, attr, None)
        if isinstance(value, rx.Component):
            _texts_outside_markdown(value, fields, inside, out)
    return out


@pytest.mark.parametrize("builder", ["player", "builder"])
def test_quiz_text_is_rendered_as_markdown(builder):
    if builder == "player":
        from lms_app.quizzes.pages import player as page
        roots = [page._question(page.QuizState.questions[0]), page._feedback_row(page.QuizState.feedback[0]),
                 page._staff(), page._choice_options(page.QuizState.questions[0]),
                 page._multi_options(page.QuizState.questions[0])]
    else:
        from lms_app.quizzes.pages import builder as page
        roots = [page._row(page.QuizBuilderState.rows[0])]
    leaks = []
    for root in roots:
        leaks += _texts_outside_markdown(root, ("prompt", "explanation", "text"))
    assert leaks == []
    rendered = " ".join(str(root.render()) for root in roots)
    assert "rehypeRaw" not in rendered and "rehype-raw" not in rendered

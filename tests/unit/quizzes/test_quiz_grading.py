"""Grading is a pure function of the stored snapshot and answers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lms_app.quizzes.services.grading import grade, is_correct, key_text, normalise_text, parse_number

SINGLE = {"id": 1, "kind": "single", "options": ["a", "b", "c"], "key": {"choice": 2}, "points": 2}
MULTI = {"id": 2, "kind": "multiple", "options": ["a", "b", "c"], "key": {"choices": [0, 2]}, "points": 1}
TF = {"id": 3, "kind": "true_false", "options": ["True", "False"], "key": {"choice": 0}, "points": 1}
SHORT = {"id": 4, "kind": "short", "options": [], "key": {"accepted": ["New York", "NYC"]}, "points": 1}
NUM = {"id": 5, "kind": "numeric", "options": [], "key": {"value": 9.81, "tolerance": 0.05}, "points": 1}
ALL = [SINGLE, MULTI, TF, SHORT, NUM]


def test_each_kind_right_and_wrong():
    assert is_correct(SINGLE, 2) and not is_correct(SINGLE, 1) and not is_correct(SINGLE, True)
    assert is_correct(MULTI, [2, 0]) and not is_correct(MULTI, [0]) and not is_correct(MULTI, [0, 1, 2])
    assert not is_correct(MULTI, [])
    assert is_correct(TF, 0) and not is_correct(TF, 1)
    assert is_correct(SHORT, "  new   york ") and is_correct(SHORT, "nyc") and not is_correct(SHORT, "newyork")
    assert not is_correct(SHORT, "")
    assert is_correct(NUM, "9.8") and is_correct(NUM, "9,86") and is_correct(NUM, 9.76)
    assert not is_correct(NUM, "9.87") and not is_correct(NUM, "nine") and not is_correct(NUM, "inf")


def test_unanswered_and_junk_answers_score_nothing():
    for q in ALL:
        for junk in (None, "x", [9], {"a": 1}, -1, 99, 1e308, True, [True]):
            assert not is_correct(q, junk), (q["kind"], junk)


def test_score_percent_and_pass_mark_use_whole_points():
    answers = {"1": 2, "2": [0, 2], "3": 1, "4": "nyc", "5": "1"}  # 2 + 1 + 0 + 1 + 0 = 4 of 6
    result = grade(ALL, answers, 66)
    assert (result.score, result.max_score, result.percent) == (4, 6, 66)
    assert result.passed  # 400 >= 396
    assert not grade(ALL, answers, 67).passed  # 66.67 % is below 67 %
    assert result.correct == (True, True, False, True, False)
    assert grade(ALL, {}, 0).passed is True and grade([], {}, 0).passed is False


def test_key_text_and_normalising():
    assert key_text(SINGLE) == "c" and key_text(MULTI) == "a, c" and key_text(SHORT) == "New York or NYC"
    assert key_text(NUM) == "9.81 (± 0.05)"
    assert normalise_text("  A\tB  ") == "a b" and parse_number("1,5") == 1.5 and parse_number("1,000.5") is None


@given(st.dictionaries(st.sampled_from(["1", "2", "3", "4", "5", "x"]),
                       st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=4),
                                 st.floats(allow_nan=True))))
def test_grade_never_crashes_and_stays_in_range(answers):
    result = grade(ALL, answers, 70)
    assert 0 <= result.score <= result.max_score == 6 and 0 <= result.percent <= 100
    assert result.passed == (100 * result.score >= 70 * 6)

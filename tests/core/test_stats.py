"""The statistics behind the equity lens and calibration, against published values.

Reference intervals are the score method without continuity correction in
Newcombe (1998), "Two-sided confidence intervals for the single proportion",
Statistics in Medicine 17:857-872, Table II (method 3), plus 0/10, 5/10 and
10/10 from the same formula as tabulated by Brown, Cai & DasGupta (2001).
"""

import pytest

from xblock_plchoice.core.stats import (
    MIN_LEARNERS_TO_COMPARE,
    StatsInputError,
    clear_differences,
    gap_summary,
    intervals_overlap,
    rate_with_interval,
    wilson_interval,
)

PUBLISHED = [
    (0, 10, 0.0, 0.2775),
    (5, 10, 0.2366, 0.7634),
    (10, 10, 0.7225, 1.0),
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (29, 29, 0.8830, 1.0),
]


@pytest.mark.parametrize(("successes", "n", "low", "high"), PUBLISHED)
def test_wilson_matches_published_tables(successes, n, low, high):
    got = wilson_interval(successes, n)
    assert got is not None
    assert got[0] == pytest.approx(low, abs=5e-5)
    assert got[1] == pytest.approx(high, abs=5e-5)


def test_wilson_ends_are_exact_and_inside_zero_one():
    assert wilson_interval(0, 1)[0] == 0.0
    assert wilson_interval(7, 7)[1] == 1.0
    for n in (1, 2, 3, 10, 50):
        for s in range(n + 1):
            low, high = wilson_interval(s, n)
            assert 0.0 <= low <= s / n <= high <= 1.0


def test_wilson_of_nothing_is_nothing():
    assert wilson_interval(0, 0) is None
    assert rate_with_interval(0, 0) == {"successes": 0, "n": 0, "rate": None, "low": None, "high": None}


@pytest.mark.parametrize(("successes", "n"), [(-1, 5), (6, 5), (0, -1)])
def test_wilson_refuses_counts_that_are_not_a_proportion(successes, n):
    with pytest.raises(StatsInputError, match="0 <= successes <= n"):
        wilson_interval(successes, n)


def test_overlap_is_closed_and_symmetric():
    assert intervals_overlap((0.1, 0.3), (0.2, 0.4))
    assert intervals_overlap((0.1, 0.3), (0.3, 0.4))  # touching is not a clear difference
    assert intervals_overlap((0.0, 1.0), (0.4, 0.5))
    assert not intervals_overlap((0.1, 0.2), (0.21, 0.4))
    assert not intervals_overlap((0.21, 0.4), (0.1, 0.2))


def test_clear_difference_needs_enough_learners_and_separate_intervals():
    far_apart = {"a": rate_with_interval(1, 10), "b": rate_with_interval(10, 10)}
    assert wilson_interval(1, 10)[1] < wilson_interval(10, 10)[0]
    assert clear_differences(far_apart) == [{"lower": "a", "higher": "b"}]
    assert clear_differences({"b": far_apart["b"], "a": far_apart["a"]}) == [{"lower": "a", "higher": "b"}]
    # The same rates with one learner too few: nothing may be claimed.
    few = {"a": rate_with_interval(0, MIN_LEARNERS_TO_COMPARE - 1), "b": rate_with_interval(9, 9)}
    assert clear_differences(few) == []
    # Different rates whose intervals overlap: nothing either.
    close = {"a": rate_with_interval(4, 10), "b": rate_with_interval(7, 10)}
    assert clear_differences(close) == []
    assert clear_differences({"a": rate_with_interval(0, 0), "b": rate_with_interval(10, 10)}) == []


def test_gap_summary_counts_each_way_and_means_in_levels():
    summary = gap_summary([("exceeds", "meets"), ("meets", "meets"), ("not_yet", "exceeds"), ("exceeds", "not_yet")])
    assert summary == {"pairs": 4, "higher": 2, "same": 1, "lower": 1, "mean_gap": 0.25, "mean_abs_gap": 1.25}
    assert gap_summary([]) == {"pairs": 0, "higher": 0, "same": 0, "lower": 0, "mean_gap": None,
                               "mean_abs_gap": None}

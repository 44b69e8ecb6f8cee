"""The small statistics the analytics view needs, as pure functions.

Why Wilson and not "p ± 1.96·SE": the textbook (Wald) interval collapses to a
single point at 0/n and n/n and is far too narrow for the class sizes a
teacher sees (10-40 learners), so it would "find" differences that are only
noise. The Wilson score interval (Wilson 1927; recommended by Newcombe 1998
and Brown, Cai & DasGupta 2001) stays inside [0, 1] and keeps close to its
nominal 95% coverage even for small ``n``. The equity lens only speaks when
two intervals do not overlap: a conservative test, on purpose, because a
sentence telling staff that one option serves learners worse must not be
said on thin evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import sqrt

from .activity import LEVEL_SCORE

#: The two-sided 95% normal quantile (the 97.5th percentile of N(0, 1)).
Z_95 = 1.959963984540054

#: The fewest learners per option before the equity lens compares that option at all.
MIN_LEARNERS_TO_COMPARE = 10


class StatsInputError(ValueError):
    """A count that cannot describe a proportion (negative, or more successes than trials)."""

    def __init__(self, successes: int, n: int) -> None:
        super().__init__(f"{successes} successes out of {n} is not a proportion: "
                         "use whole numbers with 0 <= successes <= n.")


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for ``successes`` out of ``n``; ``None`` when ``n == 0`` (nothing to say)."""
    if n < 0 or successes < 0 or successes > n:
        raise StatsInputError(successes, n)
    if n == 0:
        return None
    p = successes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    denominator = 1 + z2 / n
    low = (centre - spread) / denominator
    high = (centre + spread) / denominator
    # Exact at the ends: floating point leaves 1e-17 where the formula gives 0 (or 1).
    return (0.0 if successes == 0 else max(low, 0.0), 1.0 if successes == n else min(high, 1.0))


def intervals_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """True when two closed intervals share at least one point (touching counts as overlapping)."""
    return a[0] <= b[1] and b[0] <= a[1]


def rate_with_interval(successes: int, n: int) -> dict[str, float | int | None]:
    """A proportion as the analytics view sends it: the rate and its 95% interval, or ``None``s when n is 0."""
    interval = wilson_interval(successes, n)
    return {"successes": successes, "n": n,
            "rate": round(successes / n, 4) if n else None,
            "low": round(interval[0], 4) if interval else None,
            "high": round(interval[1], 4) if interval else None}


def clear_differences(groups: dict[str, dict[str, float | int | None]],
                      min_n: int = MIN_LEARNERS_TO_COMPARE) -> list[dict[str, str]]:
    """Pairs of groups whose 95% intervals do not overlap, each with at least ``min_n`` learners.

    ``groups`` maps an id to :func:`rate_with_interval`'s result. Each pair
    appears once, as ``{"lower": id, "higher": id}``, in the order the groups
    were given. An empty list means: the data cannot show a difference.
    """
    ids = [key for key, g in groups.items() if int(g["n"] or 0) >= min_n and g["low"] is not None]
    out = []
    for i, first in enumerate(ids):
        for second in ids[i + 1:]:
            a, b = groups[first], groups[second]
            if intervals_overlap((a["low"], a["high"]), (b["low"], b["high"])):
                continue
            lower, higher = (first, second) if a["rate"] < b["rate"] else (second, first)
            out.append({"lower": lower, "higher": higher})
    return out


def gap_summary(pairs: Iterable[tuple[str, str]]) -> dict[str, float | int | None]:
    """How self-ratings compare with reviewers' over ``(self_level, staff_level)`` pairs.

    Counts of pairs where the self-rating was higher, the same or lower, and
    the mean signed and absolute gap in levels (not yet = 0, meets = 1,
    exceeds = 2): a mean gap of +0.5 means half a level above the reviewer.
    """
    higher = same = lower = total = absolute = count = 0
    for self_level, staff_level in pairs:
        gap = LEVEL_SCORE[self_level] - LEVEL_SCORE[staff_level]
        count += 1
        total += gap
        absolute += abs(gap)
        higher += gap > 0
        lower += gap < 0
        same += gap == 0
    return {"pairs": count, "higher": higher, "same": same, "lower": lower,
            "mean_gap": round(total / count, 3) if count else None,
            "mean_abs_gap": round(absolute / count, 3) if count else None}

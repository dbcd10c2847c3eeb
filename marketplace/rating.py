"""The top-rated score: a Bayesian average, so a few enthusiastic reviews cannot beat many good ones.

    score = (C * m + sum of stars) / (C + number of reviews)

- ``m`` (``PRIOR_MEAN`` = 3.5) is the rating an item is assumed to have before anyone reviewed it:
  every item starts there and moves toward its own average as reviews arrive. A fixed constant,
  not the site-wide mean, so one review never re-scores every other item and a rebuild from the
  database always reproduces the same scores.
- ``C`` (``CONFIDENCE`` = 10) is how many reviews the prior is worth: with fewer than about ``C``
  reviews an item's score stays close to ``m``; with many, close to its own average.

One 5-star review scores (35 + 5) / 11 = 3.64; a hundred reviews averaging 4.8 score
(35 + 480) / 110 = 4.68, so the well-reviewed item ranks first. docs/marketplace.md has the table.
"""

from __future__ import annotations

PRIOR_MEAN = 3.5  # m
CONFIDENCE = 10  # C


def bayesian_score(rating_sum: int, rating_count: int) -> float:
    """The top-rated score of an item with ``rating_count`` reviews totalling ``rating_sum`` stars."""
    return (CONFIDENCE * PRIOR_MEAN + rating_sum) / (CONFIDENCE + rating_count)

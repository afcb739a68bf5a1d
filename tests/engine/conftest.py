"""Hypothesis profiles for the engine tests.

- ``engine`` (used unless ``HYPOTHESIS_PROFILE`` names another): modest example counts,
  so the whole engine run stays under a minute on two shared cores; no deadline (timings
  here are noisy); random, not derandomized, so each run explores new cases. A failure
  prints a ``@reproduce_failure`` blob to replay it, and the example database in
  ``.hypothesis/`` replays it first on the next run.
- ``engine-thorough``: ten times the examples, after touching the index.
"""

import os

from hypothesis import settings

settings.register_profile("engine", max_examples=60, deadline=None, print_blob=True)
settings.register_profile("engine-thorough", max_examples=600, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "engine"))

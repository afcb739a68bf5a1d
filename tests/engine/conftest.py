"""Hypothesis profiles for the engine tests (choose with ``HYPOTHESIS_PROFILE=...``).

- ``engine``, the default: modest example counts, so the whole engine run stays well
  under a minute on two shared cores; no deadline (timings here are noisy); random, not
  derandomized, so each run explores new cases. A failure prints a ``@reproduce_failure``
  blob, and the example database in ``.hypothesis/`` replays it first on the next run.
- ``engine-thorough``: ten times the examples, after touching the index.
- ``engine-hunt``: a thousand examples and no shrinking: a quick hunt for any failure
  (shrinking a failure of these large examples can take minutes).
"""

import os

from hypothesis import Phase, settings

settings.register_profile(
    "engine", max_examples=60, deadline=None, print_blob=True, report_multiple_bugs=False
)
settings.register_profile("engine-thorough", settings.get_profile("engine"), max_examples=600)
settings.register_profile(
    "engine-hunt",
    settings.get_profile("engine"),
    max_examples=1000,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "engine"))

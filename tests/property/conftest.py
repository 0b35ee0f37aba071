"""Hypothesis profiles for the property tests.

``ci`` (the default) is derandomized, so a run is the same every time and the suite never turns
red by luck; ``explore`` draws fresh examples (HYPOTHESIS_PROFILE=explore) to hunt for new bugs;
``thorough`` draws fresh examples too, ten times as many, for a long hunt before a release
(HYPOTHESIS_PROFILE=thorough; the bot's own updates, test_application_updates.py, then take a
few minutes instead of seconds).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "explore",
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", settings.get_profile("explore"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

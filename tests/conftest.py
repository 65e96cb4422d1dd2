"""Hypothesis profiles: ``dev`` (default, quick) and ``ci`` (thorough), chosen by the
environment variable ``HYPOTHESIS_PROFILE`` (``.ci/run`` sets ``ci``)."""

from __future__ import annotations

import os

from hypothesis import settings

# dev: a quick look on every run. Tests that draw whole campaigns add deadline=None
# themselves: building and checking a campaign takes a few milliseconds, with outliers.
settings.register_profile("dev", max_examples=20)
# ci: thorough. Per-code properties scale this down (see tests/test_testing_laws.py).
settings.register_profile("ci", max_examples=200, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

"""The reliefkit pytest plugin (entry point ``pytest11``).

It offers ``assert_compliant`` (also as a fixture) and an ``example_campaign`` fixture built by
the generator shipped in the package. Nothing here imports Hypothesis, so the plugin never
breaks a user's pytest when the ``testing`` extra is absent.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import pytest

from reliefkit.testing._assertions import assert_compliant, format_findings

if TYPE_CHECKING:
    from reliefkit.models import Dataset

__all__ = ["assert_compliant", "example_campaign", "format_findings"]


@pytest.fixture(name="assert_compliant")
def _assert_compliant_fixture() -> Any:
    """The ``assert_compliant`` helper as a fixture."""
    return assert_compliant


@pytest.fixture(scope="session")
def example_campaign() -> Dataset:
    """The example campaign ``county-2015`` (seeded, built by the shipped generator)."""
    # The examples package ships the campaign's generator (reliefkit.examples).
    examples: Any = importlib.import_module("reliefkit.examples")
    campaign: Dataset = examples.county_2015()
    return campaign

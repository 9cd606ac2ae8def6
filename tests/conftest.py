"""Hypothesis profiles: `ci` (default, derandomized, bounded) and `thorough` (HYPOTHESIS_PROFILE=thorough)."""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:  # pragma: no cover
        return
    settings.register_profile(
        "ci", derandomize=True, max_examples=60, deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    # Long generated posts with many kinds of damage are slow to draw; that is expected.
    settings.register_profile(
        "thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow],
    )
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

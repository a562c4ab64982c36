"""Shared test setup: the hypothesis profiles every property test runs under.

Choose a profile with the environment variable ``HYPOTHESIS_PROFILE`` (default: ``default``)::

    HYPOTHESIS_PROFILE=quick python -m pytest      # while editing: few examples, fast
    python -m pytest                               # the default profile
    HYPOTHESIS_PROFILE=ci python -m pytest         # CI: more examples, same examples every run

The profiles:

- ``default`` — 60 examples per property, no deadline, the example database on (a failure found
  once is tried first on the next run).
- ``ci`` — 200 examples, ``derandomize=True`` (the same examples on every run, so a red build is
  reproducible and never flaky), no example database, and ``print_blob=True`` (a failure prints
  the ``@reproduce_failure`` line to paste into the test).
- ``quick`` — 10 examples, for local iteration; it finds less.

Every profile sets ``deadline=None`` and suppresses ``HealthCheck.too_slow``: generated rulesets
are compiled before they are scored, which is slow on a busy machine and would make timing
failures that say nothing about perfscore.

A test that deliberately needs another count says so itself with ``@settings(max_examples=…)``;
everything else it leaves to the profile (settings made in a test module inherit the loaded
profile, because this file loads it before any test module is imported).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from perfscore.messages import speaking

PROFILE_VARIABLE = "HYPOTHESIS_PROFILE"

_COMMON = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

settings.register_profile("default", _COMMON, max_examples=60)
settings.register_profile("ci", _COMMON, max_examples=200, derandomize=True, database=None, print_blob=True)
settings.register_profile("quick", _COMMON, max_examples=10)

PROFILES = ("default", "ci", "quick")


def chosen_profile() -> str:
    """The profile ``HYPOTHESIS_PROFILE`` names, or ``default`` when it is unset or empty."""
    return os.environ.get(PROFILE_VARIABLE, "").strip() or "default"


def pytest_configure(config: pytest.Config) -> None:
    """Load the chosen profile before any test module is imported; refuse a name that is not one."""
    name = chosen_profile()
    if name not in PROFILES:
        raise pytest.UsageError(f"{PROFILE_VARIABLE}={name!r} is not a profile; expected one of {', '.join(PROFILES)}")
    settings.load_profile(name)
    config.addinivalue_line("markers", "default_lang: run without the suite's English messages (see english_messages)")


@pytest.fixture(autouse=True)
def english_messages(request: pytest.FixtureRequest) -> Iterator[None]:
    """Messages the library renders without being told a language are English in the suite, so that a
    test can state a message's content in one language. Chinese is perfscore's default: the tests
    marked ``default_lang`` (tests/test_languages.py) run without this and check that; the command
    line chooses its own language (``--lang``, ``PERFSCORE_LANG``, Chinese) and is not affected."""
    if request.node.get_closest_marker("default_lang") is not None:
        yield
        return
    with speaking("en"):
        yield


def pytest_report_header(config: pytest.Config) -> str:
    """Say in the run's header which profile the property tests used."""
    return f"hypothesis profile: {chosen_profile()} (set {PROFILE_VARIABLE} to change it)"

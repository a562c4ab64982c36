"""A pytest plugin for tests/test_validation.py: every table the loader reads is also validated by
pydantic, and the two must agree (the same model, or :func:`perfscore.validation.quick` gives None)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from perfscore import loader, validation

COUNTS = {"read": 0, "left to pydantic": 0}


def same(a: Any, b: Any) -> bool:
    """The same value: the same types all the way down, Decimals written alike, models with the same keys set."""
    if type(a) is not type(b):
        return False
    if isinstance(a, BaseModel):
        return (
            a.model_fields_set == b.model_fields_set
            and a.__pydantic_extra__ == b.__pydantic_extra__
            and all(same(getattr(a, name), getattr(b, name)) for name in type(a).model_fields)
        )
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, Decimal):
        return a.as_tuple() == b.as_tuple()
    return bool(a == b)


def checked_quick(cls: type[BaseModel], raw: Mapping[str, Any]) -> Any:
    """``quick``, held to pydantic's answer for the same table."""
    read = validation.quick(cls, raw)
    try:
        validated = cls.model_validate(raw)
    except (ValidationError, ArithmeticError) as error:  # NaN, refused by the limits before loading
        assert read is None, f"quick read {raw!r} into {cls.__name__}, pydantic refuses it: {error}"
        COUNTS["left to pydantic"] += 1
        return None
    if read is None:
        COUNTS["left to pydantic"] += 1
    else:
        assert same(read, validated), f"{cls.__name__} of {raw!r}: quick {read!r} != pydantic {validated!r}"
        COUNTS["read"] += 1
    return read


@pytest.fixture(autouse=True)
def _differential(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(loader, "quick", checked_quick)
    yield


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(f"validation spy: {COUNTS}")

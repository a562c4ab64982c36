"""A document's keys read into their pydantic models without pydantic building its validators.

Building a model's validator (its core schema) is most of what importing and loading cost a
process that scores one unit, and the models are built only when first used
(``defer_build``). :func:`quick` reads the keys of a valid table straight into its model, as
:meth:`~pydantic.BaseModel.model_validate` would: the same values of the same types, the same keys
set, the model's own checks run. It reads only what it is sure of (plain TOML values of the
declared types, within the declared bounds) and gives None for anything else: the caller then asks
pydantic, which builds the model and says what is wrong, as ever. So pydantic alone words every
problem, and a valid document never needs it (``tests/test_validation.py`` holds the two to the
same models on every ruleset and on generated tables).
"""

from __future__ import annotations

import copy
import re
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import annotated_types
from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
Reader = Callable[[Any], Any]


class _Unsure(Exception):
    """A value :func:`quick` does not read: pydantic is asked."""


class _Plan:
    """How a model is read: a reader per key (with whether it is required, or its default), the
    model's own checks before and after (if any)."""

    __slots__ = ("after", "before", "fields", "names")

    def __init__(self, fields: tuple[tuple[str, Reader, bool, Any], ...], before: Reader | None, after: Reader | None):
        self.fields = fields
        self.names = frozenset(name for name, *_ in fields)
        self.before = before
        self.after = after


_PLANS: dict[type[BaseModel], _Plan | None] = {}
_MUTABLE = (list, dict, set)
_set = object.__setattr__


def quick(cls: type[M], raw: Mapping[str, Any]) -> M | None:
    """``raw`` read into ``cls`` as ``cls.model_validate(raw)`` gives it, or None when it is not sure
    that pydantic would accept ``raw`` as it is (a problem, a value to convert, a model it cannot plan)."""
    try:
        return _read(cls, raw)
    except _Unsure:
        return None
    except Exception:  # a model's own check refused it: pydantic says so, with the key
        return None


def _read(cls: type[M], raw: Any) -> M:
    if cls in _PLANS:
        plan = _PLANS[cls]
    else:
        plan = _PLANS[cls] = _plan(cls)
    if plan is None or type(raw) is not dict:
        raise _Unsure
    if plan.before is not None:
        raw = plan.before(raw)
        if type(raw) is not dict:
            raise _Unsure
    if not plan.names.issuperset(raw):
        raise _Unsure  # an unknown key
    values = {}
    for name, reader, required, default in plan.fields:  # in the model's order, as pydantic keeps them
        if name in raw:
            values[name] = reader(raw[name])
        elif required:
            raise _Unsure  # a missing key
        else:
            values[name] = copy.deepcopy(default) if type(default) in _MUTABLE else default
    made = cls.__new__(cls)  # what model_construct makes, without its per-call work
    _set(made, "__dict__", values)
    _set(made, "__pydantic_fields_set__", set(raw))
    _set(made, "__pydantic_extra__", None)
    _set(made, "__pydantic_private__", None)
    return made if plan.after is None else plan.after(made)


def _plan(cls: type[BaseModel]) -> _Plan | None:
    """How to read each key of ``cls``; None when ``cls`` has something :func:`quick` does not know."""
    config = cls.model_config
    if config.get("extra") != "forbid" or config.get("strict") or config.get("allow_inf_nan", True):
        return None
    known = {"frozen", "extra", "strict", "allow_inf_nan", "defer_build"}
    decorators = cls.__pydantic_decorators__
    if set(config) - known or decorators.field_validators or decorators.validators or decorators.root_validators:
        return None
    if cls.__pydantic_post_init__ or cls.__private_attributes__ or cls.__pydantic_root_model__:
        return None
    modes: dict[str, list[Any]] = {}
    for decorator in decorators.model_validators.values():
        modes.setdefault(decorator.info.mode, []).append(decorator.func)
    if set(modes) - {"before", "after"} or any(len(found) > 1 for found in modes.values()):
        return None
    fields = []
    for name, info in cls.model_fields.items():
        if info.alias is not None or info.validation_alias is not None or info.default_factory is not None:
            return None
        reader = _reader(info.annotation, list(info.metadata))
        if reader is None:
            return None
        fields.append((name, reader, info.is_required(), info.default))
    before = modes["before"][0] if "before" in modes else None
    after = modes["after"][0] if "after" in modes else None
    return _Plan(tuple(fields), before, after)


def _reader(annotation: Any, metadata: list[Any]) -> Reader | None:
    """A reader of a value of ``annotation`` within the bounds in ``metadata``; None when unknown."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *more = typing.get_args(annotation)
        extra = [item for info in more for item in getattr(info, "metadata", [info])]
        return _reader(base, [*extra, *metadata])
    checks = _bounds(metadata)
    if checks is None:
        return None
    if origin in (typing.Union, types.UnionType):
        members = typing.get_args(annotation)
        if metadata:
            return None
        return _union(members)
    if annotation is str:
        return _checked(_text, checks)
    if annotation is Decimal:
        return _checked(_decimal, checks)
    if annotation is int:
        return _checked(_whole, checks)
    if annotation is bool and not checks:
        return _bool
    if annotation is Any and not checks:
        return _same
    if origin is typing.Literal and not checks:
        return _literal(typing.get_args(annotation))
    if origin in (list, tuple, dict):
        return _container(origin, typing.get_args(annotation), checks)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and not checks:
        return lambda value: value if type(value) is annotation else _read(annotation, value)  # a model is kept
    return None


def _container(origin: Any, args: tuple[Any, ...], checks: list[Reader]) -> Reader | None:
    if origin is dict:
        key, item = args
        each = _reader(item, [])
        if key is not str or each is None or checks:
            return None
        return lambda value: _dict(value, each)
    if origin is tuple and (len(args) != 2 or args[1] is not Ellipsis):
        return None
    read = _reader(args[0], [])
    if read is None:
        return None
    make = list if origin is list else tuple
    return _checked(lambda value: _array(value, read, make), checks)


def _union(members: tuple[Any, ...]) -> Reader | None:
    """``X | None``, and a number or a formula (``str | Decimal``): the unions the models use."""
    optional = type(None) in members
    rest = tuple(member for member in members if member is not type(None))
    if len(rest) == 1:
        read = _reader(rest[0], [])
    elif set(rest) == {str, Decimal}:
        read = _formula
    else:
        return None
    if read is None:
        return None
    if not optional:
        return read
    inner = read
    return lambda value: None if value is None else inner(value)


def _bounds(metadata: list[Any]) -> list[Reader] | None:
    checks: list[Reader] = []
    for item in metadata:
        if isinstance(item, annotated_types.MinLen):
            checks.append(_at_least(item.min_length))
        elif isinstance(item, annotated_types.Ge):
            checks.append(_compare(item.ge, lambda value, bound: value >= bound))
        elif isinstance(item, annotated_types.Gt):
            checks.append(_compare(item.gt, lambda value, bound: value > bound))
        elif isinstance(item, annotated_types.Le):
            checks.append(_compare(item.le, lambda value, bound: value <= bound))
        elif isinstance(item, annotated_types.Lt):
            checks.append(_compare(item.lt, lambda value, bound: value < bound))
        elif type(item).__name__ == "_PydanticGeneralMetadata" and set(vars(item)) == {"pattern"}:
            checks.append(_pattern(re.compile(item.pattern)))
        else:
            return None
    return checks


def _checked(read: Reader, checks: list[Reader]) -> Reader:
    if not checks:
        return read

    def checked(value: Any) -> Any:
        value = read(value)
        for check in checks:
            check(value)
        return value

    return checked


def _at_least(count: int) -> Reader:
    def check(value: Any) -> None:
        if len(value) < count:
            raise _Unsure

    return check


def _compare(bound: Any, holds: Callable[[Any, Any], bool]) -> Reader:
    def check(value: Any) -> None:
        if not holds(value, bound):
            raise _Unsure

    return check


def _pattern(pattern: re.Pattern[str]) -> Reader:
    def check(value: str) -> None:
        if not value.isascii() or not value.isprintable() or pattern.search(value) is None:
            raise _Unsure  # pydantic's patterns are not Python's at line ends: only plain ASCII is read here

    return check


def _exactly(kind: type) -> Reader:
    """A value of exactly ``kind`` as it is (text, a whole number, true or false: what TOML gives)."""

    def read(value: Any) -> Any:
        if type(value) is not kind:
            raise _Unsure
        return value

    return read


_text, _whole, _bool = _exactly(str), _exactly(int), _exactly(bool)


def _decimal(value: Any) -> Decimal:
    if type(value) is Decimal:
        if not value.is_finite():
            raise _Unsure
        return value
    if type(value) is int:
        return Decimal(value)
    raise _Unsure


def _same(value: Any) -> Any:
    return value


def _formula(value: Any) -> str | Decimal:
    """A formula key: text stays text; a number is a Decimal (pydantic's smart union does the same)."""
    return value if type(value) is str else _decimal(value)


def _literal(allowed: tuple[Any, ...]) -> Reader | None:
    if not all(type(item) is str for item in allowed):
        return None
    choices = frozenset(allowed)

    def read(value: Any) -> str:
        if type(value) is not str or value not in choices:
            raise _Unsure
        return value

    return read


def _array(value: Any, read: Reader, make: Callable[[Any], Any]) -> Any:
    if type(value) is not list and type(value) is not tuple:  # a tuple: the default grades, scaled
        raise _Unsure
    return make([read(item) for item in value])


def _dict(value: Any, read: Reader) -> dict[str, Any]:
    if type(value) is not dict or not all(type(key) is str for key in value):
        raise _Unsure
    return {key: read(item) for key, item in value.items()}

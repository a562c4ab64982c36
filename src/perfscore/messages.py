"""Words people read, in Chinese and English, from one catalog.

Every sentence perfscore shows exists in both languages: a :class:`Text` holds the pair, so one
cannot be added without the other. Chinese is the default. Modules keep their words in tables
of :class:`Text` built with :func:`words`, and ask for a language with :func:`check_lang` first;
``tests/test_messages.py`` checks that no entry of any catalog lacks a language.

Which language a message is shown in is chosen where it is rendered: an explicit ``lang=`` wins,
then the language set for a block of code by :func:`speaking` (the command line's ``--lang``), then
the environment variable ``PERFSCORE_LANG`` (``zh`` or ``en``; ``en_US.UTF-8`` counts as ``en``),
then Chinese (:func:`chosen_lang`). A message with values is one entry of a catalog filled with
:meth:`Text.format`: the same values in both languages.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
"""The languages of every message, Chinese first (the default)."""

ENVIRONMENT = "PERFSCORE_LANG"
"""The environment variable that chooses the language when no ``--lang`` or ``lang=`` is given."""

_SPOKEN: list[Lang] = []  # the languages set by speaking(), innermost last: process-wide, so threads follow it

CATALOGS: dict[str, Mapping[str, Text]] = {}
"""Every catalog made by :func:`words`, by name: what the completeness test walks."""


@dataclass(frozen=True)
class Text:
    """One message in both languages."""

    zh: str
    en: str

    def __post_init__(self) -> None:
        if not self.zh or not self.en:
            raise ValueError(f"a message needs both Chinese and English: {self.zh!r} / {self.en!r}")

    def __call__(self, lang: str | None = "zh") -> str:
        """The message in ``lang`` (None: the language in force, :func:`chosen_lang`)."""
        return self.en if (chosen_lang() if lang is None else lang) == "en" else self.zh

    def __str__(self) -> str:
        """The message in the language in force (:func:`chosen_lang`)."""
        return self(None)

    def format(self, **values: object) -> Text:
        """Both languages with their ``{fields}`` filled: a value that is itself a :class:`Text`
        gives each language its own words."""
        zh = {key: value.zh if isinstance(value, Text) else value for key, value in values.items()}
        en = {key: value.en if isinstance(value, Text) else value for key, value in values.items()}
        return Text(self.zh.format(**zh), self.en.format(**en))


def verbatim(text: str) -> Text:
    """Words that are the same in both languages (another library's message, a name): shown as they are."""
    return Text(text or "?", text or "?")


def check_lang(lang: str) -> Lang:
    """``lang`` when it is one of :data:`LANGS`; ValueError otherwise."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def env_lang() -> Lang | None:
    """The language ``PERFSCORE_LANG`` names (``zh``, ``en``, or a locale such as ``en_US.UTF-8``),
    or None when it is unset, empty or names another language."""
    value = os.environ.get(ENVIRONMENT, "").strip().lower()
    for lang in LANGS:
        if value == lang or value.startswith((lang + "_", lang + "-", lang + ".")):
            return lang
    return None


def chosen_lang(lang: str | None = None) -> Lang:
    """The language to render in: ``lang`` when given (checked), else the one set by :func:`speaking`,
    else ``PERFSCORE_LANG``, else Chinese."""
    if lang is not None:
        return check_lang(lang)
    return (_SPOKEN[-1] if _SPOKEN else None) or env_lang() or "zh"


@contextlib.contextmanager
def speaking(lang: str | None) -> Iterator[Lang]:
    """Within the block, messages rendered without an explicit ``lang`` are in ``lang`` (None: as
    :func:`chosen_lang` chooses outside it), in every thread of the process (the command line runs each
    command inside one; a program rendering for several languages at once passes ``lang=`` instead)."""
    chosen = chosen_lang(lang)
    _SPOKEN.append(chosen)
    try:
        yield chosen
    finally:
        _SPOKEN.pop()


def words(name: str, entries: Mapping[str, tuple[str, str]]) -> Mapping[str, Text]:
    """A catalog ``key → Text`` from ``key → (zh, en)``, registered under ``name``."""
    catalog = MappingProxyType({key: Text(zh, en) for key, (zh, en) in entries.items()})
    CATALOGS[name] = catalog
    return catalog


def in_lang(catalog: Mapping[str, Text], lang: str) -> dict[str, str]:
    """A catalog's words in one language, for modules that format many of them."""
    return {key: text(lang) for key, text in catalog.items()}

"""Words people read, in Chinese and English, from one catalog.

Every sentence perfscore shows exists in both languages: a :class:`Text` holds the pair, so one
cannot be added without the other. Chinese is the default. Modules keep their words in tables
of :class:`Text` built with :func:`words`, and ask for a language with :func:`check_lang` first;
``tests/test_messages.py`` checks that no entry of any catalog lacks a language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
"""The languages of every message, Chinese first (the default)."""

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

    def __call__(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


def check_lang(lang: str) -> Lang:
    """``lang`` when it is one of :data:`LANGS`; ValueError otherwise."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def words(name: str, entries: Mapping[str, tuple[str, str]]) -> Mapping[str, Text]:
    """A catalog ``key → Text`` from ``key → (zh, en)``, registered under ``name``."""
    catalog = MappingProxyType({key: Text(zh, en) for key, (zh, en) in entries.items()})
    CATALOGS[name] = catalog
    return catalog


def in_lang(catalog: Mapping[str, Text], lang: str) -> dict[str, str]:
    """A catalog's words in one language, for modules that format many of them."""
    return {key: text(lang) for key, text in catalog.items()}

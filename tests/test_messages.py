"""Every word perfscore shows exists in Chinese and English, with the same placeholders in both."""

from __future__ import annotations

import pytest

import perfscore.checks
import perfscore.cli
import perfscore.diff  # each module below registers its words (CATALOGS) when imported
import perfscore.frames
import perfscore.report
import perfscore.shipped
import perfscore.tables
import perfscore.testing  # noqa: F401
from perfscore.messages import CATALOGS, LANGS, Text, check_lang
from perfscore.methods import METHODS, MISSING
from perfscore.wording import COMMON_FIELDS, template_fields

ENTRIES = [(name, key, text) for name, catalog in CATALOGS.items() for key, text in catalog.items()]
CASES = [(method.name, case) for method in METHODS.values() for case in method.cases] + [("(any)", MISSING)]


@pytest.mark.parametrize(("catalog", "key", "text"), ENTRIES, ids=[f"{name}.{key}" for name, key, _ in ENTRIES])
def test_every_catalog_entry_has_both_languages_and_the_same_fields(catalog: str, key: str, text: Text) -> None:
    """A catalog entry says the same thing in zh and en: both present, the same {fields} and format fields."""
    assert text.zh.strip() and text.en.strip()
    assert set(template_fields(text.zh)) == set(template_fields(text.en))


@pytest.mark.parametrize(("method", "case"), CASES, ids=[f"{method}.{case.name}" for method, case in CASES])
def test_every_case_has_both_languages_and_only_known_fields(method: str, case: object) -> None:
    """A method's wording for each case uses only fields its explanation can fill, the same in zh and en."""
    zh, en = case.wording("zh"), case.wording("en")  # type: ignore[attr-defined]
    assert zh.strip() and en.strip()
    assert set(template_fields(zh)) == set(template_fields(en))
    known = COMMON_FIELDS | {"missing"} | (METHODS[method].template_fields if method in METHODS else frozenset())
    assert set(template_fields(zh)) <= known
    assert set(case.fields) <= known  # type: ignore[attr-defined]


def test_a_message_needs_both_languages() -> None:
    """A Text missing either language is refused when it is made."""
    with pytest.raises(ValueError, match="both Chinese and English"):
        Text("中文", "")


@pytest.mark.parametrize("lang", ["fr", "ZH", ""])
def test_an_unknown_language_is_refused(lang: str) -> None:
    """Only zh and en are languages; anything else is a ValueError naming them."""
    with pytest.raises(ValueError, match="lang must be one of zh, en"):
        check_lang(lang)
    assert LANGS == ("zh", "en")

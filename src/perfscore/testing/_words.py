"""How the kit words what it finds: bilingual templates filled in, and values as a unit's data writes them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..messages import LANGS, Text
from ..text import shown


def say(template: Text, **fields: str | Text) -> Text:
    """``template`` in each language with its ``{fields}`` filled in (a Text field in the same language)."""
    zh, en = (
        template(lang).format(
            **{key: value(lang) if isinstance(value, Text) else value for key, value in fields.items()}
        )
        for lang in LANGS
    )
    return Text(zh, en)


def value_text(value: Any) -> str:
    """A value as a unit's data file writes it: 2468.78, true, 2023-12-31, "完成", {tier = 达成, score = 9}.

    Numbers keep every digit they have (``text.plain`` would round beyond 6 places and drop
    trailing zeros, hiding the very difference a failure is about) and text is quoted as in TOML,
    not as Python quotes it; other values are shown as perfscore shows them.
    """
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key} = {value_text(item)}" for key, item in value.items()) + "}"
    return shown(value)


def check_lang(lang: str) -> None:
    """A ValueError unless ``lang`` is one the kit writes (its own wording of the error, which its users know)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be {' or '.join(LANGS)}, not {lang!r}")

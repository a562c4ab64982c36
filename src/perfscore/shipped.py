"""The rulesets shipped inside the package: the repository's ``rulesets/`` folder, installed as
the package ``perfscore.rulesets``. :func:`shipped` lists them; :func:`perfscore.load` and every
command taking a RULESET accept their ids (a file of that name still wins)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import RulesetError, suggest
from .messages import Text, words
from .toml import parse_toml

PACKAGE = "perfscore.rulesets"
_ID = re.compile(r"[A-Za-z0-9_.-]+")  # what [ruleset] id allows (perfscore.model.Metadata)
# A source tree used without installing (PYTHONPATH=src): the folder the package is built from.
_SOURCE_TREE = Path(__file__).resolve().parents[2] / "rulesets"

WORDS = words(
    "shipped",
    {
        "unknown": (
            "没有这个文件，也没有 id 为 {name} 的内置规则；内置规则有 {ids}",
            "no such file, and no ruleset shipped with perfscore has the id {name}; the shipped ones are {ids}",
        ),
        "none": ("（本次安装未带内置规则）", "(this installation has no shipped rulesets)"),
    },
)


@dataclass(frozen=True)
class ShippedRuleset:
    """A ruleset installed with perfscore: its id (what ``perfscore.load`` and the command line
    accept), title, version and the file it is installed as."""

    id: str
    title: str
    title_en: str | None
    version: str
    file: Path

    def label(self, lang: str = "zh") -> str:
        """The title in ``lang`` (Chinese when the ruleset has no English title)."""
        return self.title_en or self.title if lang == "en" else self.title


def _folder() -> Path | None:
    import importlib.resources  # here, not at the top: it imports tempfile and shutil, which scoring never needs

    try:
        root = importlib.resources.files(PACKAGE)
    except ModuleNotFoundError:
        return _SOURCE_TREE if (_SOURCE_TREE / "__init__.py").is_file() else None
    return root if isinstance(root, Path) else Path(str(root))


@lru_cache(maxsize=1)
def shipped() -> tuple[ShippedRuleset, ...]:
    """The rulesets installed with perfscore, by id: ``perfscore.load(entry.id)`` loads one."""
    folder = _folder()
    if folder is None:
        return ()
    found = []
    for file in sorted(folder.glob("*.toml")):
        document = parse_toml(file.read_text(encoding="utf-8-sig"), str(file), RulesetError)
        meta: Any = document.get("ruleset")
        meta = meta if isinstance(meta, dict) else {}
        title_en = meta.get("title_en")
        found.append(
            ShippedRuleset(
                str(meta.get("id", file.stem)),
                str(meta.get("title", file.stem)),
                title_en if isinstance(title_en, str) else None,
                str(meta.get("version", "")),
                file,
            )
        )
    return tuple(sorted(found, key=lambda entry: entry.id))


def find_shipped(name: str) -> ShippedRuleset | None:
    """The shipped ruleset whose id is ``name``, if there is one."""
    return next((entry for entry in shipped() if entry.id == name), None)


def looks_like_id(name: str) -> bool:
    """Whether a RULESET argument that names no file was meant as an id (``department-wide``), not
    a path (``rulesets/x.toml``): a missing path keeps its plain "no such file" message."""
    return _ID.fullmatch(name) is not None and not name.lower().endswith((".toml", ".json"))


def unknown(name: str, lang: str = "en") -> tuple[str, str | None]:
    """What to say when ``name`` is neither a file nor a shipped id, and the closest id."""
    ids = [entry.id for entry in shipped()]
    listed = ", ".join(ids) if ids else WORDS["none"](lang)
    text: Text = WORDS["unknown"]
    return text(lang).format(name=name, ids=listed), suggest(name, ids)

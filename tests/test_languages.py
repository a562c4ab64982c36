"""Chinese first, everywhere: every message in both languages, the language chosen by --lang, then
PERFSCORE_LANG, then Chinese; the command line's conventions (-, -o, --strict, --fail-on, help with
examples); and the typing mistakes finance officers make, each told what to change."""

from __future__ import annotations

import argparse
import io
import re
from pathlib import Path

import pytest

import perfscore
from helpers import ROOT
from perfscore import cli
from perfscore.checks import load_and_lint
from perfscore.errors import CODES, DataError, PerfscoreError, Problem, RulesetError
from perfscore.messages import CATALOGS, ENVIRONMENT, chosen_lang, speaking
from test_audit_cli import TRAINING  # the worked table of docs/tables.md
from test_cases import case_files, read_case

CJK = re.compile(r"[\u4e00-\u9fff]")
RULESET = str(ROOT / "rulesets" / "department-wide.toml")
SEED = str(ROOT / "examples" / "liwan-2023.toml")
BROKEN = sorted((ROOT / "tests" / "broken").glob("*.toml"))
ONE_LEAF = """\
[ruleset]
id = "t"
title = "测试"
version = "1"
sources = ["测试"]
total = 10

[inputs.n]
type = "count"
label = "事项数"

[indicators.output]
name = "产出"
points = 10
method = "deduction"
count = "n"
each = 1
"""


def perfscore_cli(*argv: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    """Run the command in-process: its exit status, stdout and stderr (``stdin`` is what ``-`` reads)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    given = io.BytesIO(stdin) if isinstance(stdin, bytes) else io.StringIO(stdin or "")
    status = cli.run(list(argv), stdout, stderr, stdin=given)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """PERFSCORE_LANG unset, as on a machine that never set it."""
    monkeypatch.delenv(ENVIRONMENT, raising=False)


def bad_inputs() -> list[tuple[str, Problem]]:
    """Every problem a representative corpus of bad input raises: the broken rulesets' diagnostics, the
    cases' rulesets (tests/cases) and the shipped one fed wrong data, TOML and data files typed wrongly."""
    found: list[tuple[str, Problem]] = []
    for path in BROKEN:
        _, diagnostics = load_and_lint(path)
        found += [(path.name, problem) for problem in diagnostics]
    for path in case_files():  # each case's ruleset given no data, then a value of the wrong kind for every input
        case = read_case(path)
        wrong = {name: {"n": 1} if spec.type == "rating" else "？" for name, spec in case.ruleset.inputs.items()}
        for values in ({}, wrong, {**case.values, "stray": 1}):
            try:
                case.ruleset.score(values)
            except PerfscoreError as error:
                found += [(f"{path.stem}", problem) for problem in error.problems]
    ruleset = perfscore.load(RULESET)
    for name, values in {
        "empty": {},
        "kinds": {"budget": "很多", "satisfaction": "优秀", "disclosed": "yes", "stray": 1},
        "bounds": {"budget": -1, "executed": 5, "goals_planned": 1.5},
    }.items():
        try:
            ruleset.score(values)
        except PerfscoreError as error:
            found += [(f"data:{name}", problem) for problem in error.problems]
    for name, text in {
        "syntax": "[ruleset\n",
        "curly": "name = “产出”\n",
        "points": ONE_LEAF.replace("total = 10", "total = 20"),
        "unknown-key": ONE_LEAF + "colour = 1\n",
        "formula": ONE_LEAF.replace('count = "n"', 'count = "n +"'),
        "kind": ONE_LEAF.replace('count = "n"', 'count = "n > 1"'),
        "method": ONE_LEAF.replace('"deduction"', '"deductoin"'),
    }.items():
        try:
            perfscore.loads(text, source=f"{name}.toml")
        except RulesetError as error:
            found += [(f"toml:{name}", problem) for problem in error.problems]
    assert len(found) > 40  # the corpus reaches many of perfscore's messages
    return found


PROBLEMS = bad_inputs()


# --- every message in both languages ----------------------------------------------------------


def test_every_catalog_of_every_module_is_checked() -> None:
    """The command line's, the loader's, the checks' and the readers' catalogs are among those the
    completeness test (tests/test_messages.py) walks, each entry in both languages."""
    for name in ("cli.help", "cli.argparse", "cli.check", "loader", "loader.pydantic", "toml", "reading",
                 "inputs", "expressions", "checks", "errors", "units", "limits", "result.summary"):  # fmt: skip
        assert name in CATALOGS, name
        for key, text in CATALOGS[name].items():
            assert text.zh.strip() and text.en.strip(), (name, key)


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_problem_code_means_something_in_both_languages(code: str) -> None:
    """Each stable code says what it means in Chinese (with Chinese in it) and in English."""
    zh, en = CODES[code]
    assert CJK.search(zh) and en.strip() and not CJK.search(en)


@pytest.mark.default_lang
@pytest.mark.parametrize(("where", "problem"), PROBLEMS, ids=[f"{where}-{p.code}" for where, p in PROBLEMS])
def test_every_problem_of_the_corpus_is_in_chinese_and_english(
    no_env: None, monkeypatch: pytest.MonkeyPatch, where: str, problem: Problem
) -> None:
    """Each problem has its Chinese words (not the English again) and its English; it renders in Chinese
    by default and in English with PERFSCORE_LANG=en; to_dict gives both."""
    assert problem.message_zh is not None and CJK.search(problem.message_zh), problem.message_zh
    assert problem.message_zh != problem.message
    assert problem.to_dict()["message"] == {"zh": problem.message_zh, "en": problem.message}
    assert str(problem) == problem.render(lang="zh") and problem.message_zh.split("\n")[0] in str(problem)
    monkeypatch.setenv(ENVIRONMENT, "en")
    assert str(problem) == problem.render(lang="en") and problem.message.split("\n")[0] in str(problem)


@pytest.mark.default_lang
def test_errors_render_in_chinese_by_default_and_in_english_when_chosen(
    no_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """str(error) is Chinese with nothing set; PERFSCORE_LANG=en and speaking('en') make it English;
    render(lang) chooses explicitly whatever is set."""
    with pytest.raises(RulesetError) as caught:
        perfscore.loads(ONE_LEAF.replace("total = 10", "total = 20"), source="r.toml")
    error = caught.value
    assert chosen_lang() == "zh"
    assert str(error).startswith("r.toml: 规则有 1 处问题\n  r.toml: indicators: 下级指标分值之和为 10")
    assert error.render("en").startswith("r.toml: 1 problem in the ruleset\n  r.toml: indicators: the points")
    monkeypatch.setenv(ENVIRONMENT, "en_US.UTF-8")
    assert str(error) == error.render("en")
    assert error.render("zh").startswith("r.toml: 规则有")
    monkeypatch.setenv(ENVIRONMENT, "zh")
    with speaking("en"):
        assert str(error) == error.render("en")
    assert str(error) == error.render("zh")
    assert error.to_dict()["messages"] == {"zh": error.render("zh"), "en": error.render("en")}


@pytest.mark.default_lang
@pytest.mark.parametrize(("argv", "env", "lang"), [
    ((), None, "zh"), ((), "en", "en"), (("--lang", "en"), None, "en"), (("--lang", "zh"), "en", "zh"),
])  # fmt: skip
def test_the_command_line_speaks_the_language_chosen(
    no_env: None, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...], env: str | None, lang: str
) -> None:
    """check of every broken ruleset: each finding tagged and worded in the language chosen (--lang wins
    over PERFSCORE_LANG, Chinese by default), the summary line too."""
    if env:
        monkeypatch.setenv(ENVIRONMENT, env)
    status, out, err = perfscore_cli("check", *map(str, BROKEN), *argv)
    assert (status, err) == (1, "")
    tagged = re.compile(r"  \S.*?: (错误|警告|提示|error|warning|info)\[[a-z0-9-]+\]: (.*)")
    findings = [found for line in out.splitlines() if (found := tagged.match(line))]
    assert len(findings) >= len(BROKEN)
    for found in findings:
        if lang == "zh":
            assert found[1] in ("错误", "警告", "提示") and CJK.search(found[2]), found[0]
        else:
            assert found[1] in ("error", "warning", "info"), found[0]
    assert out.splitlines()[-1].startswith("已检查 " if lang == "zh" else f"{len(BROKEN)} files checked: ")


@pytest.mark.default_lang
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_errors_on_the_command_line_follow_the_language(no_env: None, tmp_path: Path, lang: str) -> None:
    """A unit with bad values: stderr says each problem in the language chosen, nothing of the other."""
    data = tmp_path / "unit.toml"
    data.write_text('budget = "很多"\nstray = 1\n', encoding="utf-8")
    status, out, err = perfscore_cli("score", RULESET, str(data), "--lang", lang)
    assert (status, out) == (1, "")
    if lang == "zh":
        assert "数据有" in err and "应为数字，如 1234.5 或 1,234.5，实际为 '很多'（全年预算数）" in err
        assert "规则中没有这个输入" in err and "expected" not in err
    else:
        assert "problems in the data" in err and "expected a number such as 1234.5 or 1,234.5, got '很多'" in err


# --- help ---------------------------------------------------------------------------------------


def subcommands() -> dict[str, argparse.ArgumentParser]:
    """Each subcommand's parser, by name."""
    parser = cli._parser("zh")
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


COMMANDS = sorted(subcommands())


@pytest.mark.default_lang
@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_is_chinese_by_default_argparse_words_too(no_env: None, command: str) -> None:
    """--help of perfscore and of each subcommand: 用法, 选项 and every option's help in Chinese."""
    status, out, err = perfscore_cli(*([command] if command else []), "--help")
    assert (status, err) == (0, "")
    assert out.startswith("用法: perfscore")
    assert "\n选项:\n" in out and "显示本帮助并退出" in out
    assert "usage:" not in out and "options:" not in out and "show this help" not in out


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_in_english_with_lang_en(command: str) -> None:
    """--lang en --help: argparse's own English and English help text."""
    status, out, err = perfscore_cli(*([command] if command else []), "--lang", "en", "--help")
    assert (status, err) == (0, "")
    assert out.startswith("usage: perfscore") and "\noptions:\n" in out and "show this help message and exit" in out
    assert "用法" not in out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_help_with_an_example(command: str, lang: str) -> None:
    """Each argument and option of each subcommand (and of perfscore itself) has help text that gives an
    example."""
    parser = cli._parser(lang)
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    top = [argument for argument in parser._actions if argument is not action]
    for argument in [*top, *action.choices[command]._actions]:
        if isinstance(argument, argparse._HelpAction):
            continue
        assert argument.help, (command, argument.dest)
        assert ("例：" if lang == "zh" else "Example: ") in argument.help, (command, argument.dest)


@pytest.mark.default_lang
def test_a_usage_mistake_is_told_in_chinese(no_env: None) -> None:
    """argparse's own errors are translated: a missing argument, an invalid choice; exit 2."""
    status, out, err = perfscore_cli("score", RULESET)
    assert (status, out) == (2, "")
    assert err.startswith("用法: perfscore score") and err.endswith("perfscore score：错误：缺少必需的参数：data\n")
    status, _, err = perfscore_cli("score", RULESET, SEED, "--format", "pdf")
    assert status == 2 and "参数 --format：无效的选择：'pdf'（可选：" in err


# --- standard input and -o ------------------------------------------------------------------------


def test_a_ruleset_from_standard_input() -> None:
    """score - DATA reads the ruleset from standard input: the same result as from its file."""
    text = Path(RULESET).read_text(encoding="utf-8")
    status, out, err = perfscore_cli("score", "-", SEED, "--format", "json", stdin=text.encode())
    assert (status, err) == (0, "")
    assert perfscore_cli("score", RULESET, SEED, "--format", "json")[1].replace(RULESET, "<stdin>") == out.replace(
        RULESET, "<stdin>"
    )


@pytest.mark.parametrize("data", ["budget = 100\n", '{"budget": 100}'])
def test_data_from_standard_input_toml_or_json(data: str) -> None:
    """score RULESET - reads the unit from standard input, TOML or JSON (a text that starts with {)."""
    status, out, err = perfscore_cli("score", RULESET, "-", "--lang", "en", stdin=data)
    assert status == 1 and out == ""
    assert err.startswith("perfscore: <stdin>: ") and "executed: missing required input" in err


def test_check_and_explain_read_standard_input() -> None:
    """check - and explain - take the ruleset from standard input."""
    text = Path(RULESET).read_text(encoding="utf-8")
    assert perfscore_cli("check", "-", "--lang", "en", stdin=text)[1].startswith("<stdin>: no problems found")
    status, out, _ = perfscore_cli("explain", "-", stdin=text)
    assert status == 0 and out == perfscore_cli("explain", RULESET)[1]


def test_standard_input_read_twice_is_a_usage_mistake() -> None:
    """Two - on one command line: refused before anything is read, exit 2."""
    status, _, err = perfscore_cli("diff", "-", "-", "--lang", "en")
    assert status == 2 and "standard input (-) can be read once, but the command names it 2 times" in err


@pytest.mark.parametrize("argv", [
    ("score", RULESET, SEED), ("explain", RULESET), ("check", RULESET), ("diff", RULESET, RULESET, SEED),
    ("rulesets",),
])  # fmt: skip
def test_output_option_writes_what_would_be_printed(tmp_path: Path, argv: tuple[str, ...]) -> None:
    """-o FILE: the file holds exactly what the command prints without it, and nothing is printed."""
    printed = perfscore_cli(*argv)
    target = tmp_path / "out" / "result.txt"
    status, out, err = perfscore_cli(*argv, "-o", str(target))
    assert (status, out, err) == (printed[0], "", printed[2])
    assert target.read_text(encoding="utf-8") == printed[1]
    assert perfscore_cli(*argv, "-o", "-") == printed


def test_output_over_an_input_is_refused(tmp_path: Path) -> None:
    """-o naming the data file is refused before anything is written; the file is untouched."""
    data = tmp_path / "unit.toml"
    data.write_text(Path(SEED).read_text(encoding="utf-8"), encoding="utf-8")
    before = data.read_bytes()
    status, out, err = perfscore_cli("score", RULESET, str(data), "-o", str(data), "--lang", "en")
    assert (status, out) == (1, "") and "is the input" in err
    assert data.read_bytes() == before


def test_audit_output_option(tmp_path: Path) -> None:
    """audit -o writes the report into the file."""
    table = tmp_path / "training.toml"
    table.write_text(TRAINING, encoding="utf-8")
    printed = perfscore_cli("audit", str(table), "--ruleset", "project-mof-2020", "--format", "html")
    target = tmp_path / "audit.html"
    status, out, _ = perfscore_cli(
        "audit", str(table), "--ruleset", "project-mof-2020", "--format", "html", "-o", str(target)
    )
    assert (status, out) == (printed[0], "")
    assert target.read_text(encoding="utf-8") == printed[1] and "<html" in printed[1]


# --- gates for CI ---------------------------------------------------------------------------------


def test_check_strict_fails_on_warnings() -> None:
    """A ruleset with warnings only: exit 0 as before, 1 with --strict; errors fail either way."""
    warned = str(ROOT / "tests" / "broken" / "unused-input.toml")
    assert perfscore_cli("check", warned)[0] == 0
    assert perfscore_cli("check", warned, "--strict")[0] == 1
    assert perfscore_cli("check", RULESET, "--strict")[0] == 0


def test_audit_fail_on(tmp_path: Path) -> None:
    """audit --fail-on error|warning exits 4 when a finding of that severity or worse is found, else as
    before; without it, findings never fail the run."""
    table = tmp_path / "training.toml"
    table.write_text(TRAINING, encoding="utf-8")
    args = ("audit", str(table), "--ruleset", "project-mof-2020", "--format", "json")
    status, out, _ = perfscore_cli(*args)
    counts = {severity: out.count(f'"severity": "{severity}"') for severity in ("error", "warning")}
    assert status == 0 and counts["error"] + counts["warning"] > 0
    assert perfscore_cli(*args, "--fail-on", "warning")[0] == 4
    assert perfscore_cli(*args, "--fail-on", "error")[0] == (4 if counts["error"] else 0)


# --- the typing mistakes of finance officers -------------------------------------------------------


def load_file(tmp_path: Path, data: bytes) -> RulesetError:
    """The error loading a ruleset file of these bytes raises."""
    path = tmp_path / "rules.toml"
    path.write_bytes(data)
    with pytest.raises(RulesetError) as caught:
        perfscore.load(path)
    return caught.value


def test_curly_quotes_typed_by_an_input_method(tmp_path: Path) -> None:
    """“产出” for "产出": line, column, the line with a caret under the quote, and what to change it to."""
    text = ONE_LEAF.replace('name = "产出"', "name = “产出”")
    error = load_file(tmp_path, text.encode())
    (problem,) = error.problems
    line = text.splitlines().index("name = “产出”") + 1
    assert (problem.code, problem.location.line, problem.location.column) == ("toml-syntax", line, 8)
    assert problem.text("zh") == (
        f"第 {line} 行有中文全角符号，TOML 只认英文半角符号（请切换到英文输入法）："
        "第 8 列的 “ 改为 '\"'；第 11 列的 ” 改为 '\"'"
    )
    assert problem.text("en").startswith(f"line {line} holds full-width (Chinese) punctuation")
    assert error.render("zh").endswith(f"\n      {line} | name = “产出”\n      {' ' * len(str(line))} |        ^")


@pytest.mark.parametrize(("typed", "char", "ascii"), [
    ("【indicators.extra】", "【", "'['"), ("total ＝ 10", "＝", "'='"), ("points：10", "：", "':'"),
    ("tags = [1，2]", "，", "','"), ("formula = （1）", "（", "'('"),
])  # fmt: skip
def test_each_full_width_character_is_named_with_its_replacement(
    tmp_path: Path, typed: str, char: str, ascii: str
) -> None:
    """Full-width brackets, equals, colon, comma and parentheses outside strings: each named with the
    ASCII character to type instead."""
    error = load_file(tmp_path, f"{ONE_LEAF}\n{typed}\n".encode())
    (problem,) = error.problems
    assert f"的 {char} 改为 {ascii}" in problem.text("zh")
    assert f"change {char} at column" in problem.text("en") and f"to {ascii}" in problem.text("en")


def test_full_width_characters_inside_strings_are_fine() -> None:
    """A name in quotes may hold （）and ，: the ruleset loads."""
    assert perfscore.loads(ONE_LEAF.replace('"产出"', '"产出（数量，质量）"')).roots[0].name == "产出（数量，质量）"


def test_a_chinese_key_without_quotes(tmp_path: Path) -> None:
    """[indicators.产出] (a bare Chinese key): told to quote it."""
    error = load_file(tmp_path, ONE_LEAF.replace("[indicators.output]", "[indicators.产出]").encode())
    assert "中文键名要用英文双引号括起来" in error.problems[0].text("zh")


def test_a_ruleset_saved_as_gbk(tmp_path: Path) -> None:
    """GBK bytes: the message says it is GBK/GB18030, shows the line as GBK reads it, says save as UTF-8."""
    error = load_file(tmp_path, ONE_LEAF.encode("gbk"))
    (problem,) = error.problems
    assert problem.code == "encoding"
    assert problem.text("zh") == (
        '文件以 GBK/GB18030 编码保存（第 3 行：title = "测试"），不是 UTF-8：请另存为 UTF-8'
        "（记事本：另存为 → 编码选“UTF-8”；WPS：文件 → 另存为 → 编码 UTF-8）"
    )
    assert problem.text("en").startswith('the file is saved as GBK/GB18030 (line 3: title = "测试"), not UTF-8')


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_ruleset_saved_as_utf16(tmp_path: Path, encoding: str) -> None:
    """UTF-16 with or without its BOM (Notepad's "Unicode"): told to save as UTF-8."""
    (problem,) = load_file(tmp_path, ONE_LEAF.encode(encoding)).problems
    assert problem.code == "encoding" and problem.text("zh").startswith("文件以 UTF-16 编码保存")


def test_a_bom_at_the_start_is_accepted_and_one_elsewhere_is_named(tmp_path: Path) -> None:
    """A UTF-8 BOM at the start (Notepad writes one) loads; one left inside by joining files is named with
    its line and column."""
    path = tmp_path / "rules.toml"
    path.write_bytes(b"\xef\xbb\xbf" + ONE_LEAF.encode())
    assert perfscore.load(path).id == "t"
    joined = ONE_LEAF.replace("[inputs.n]", "\ufeff[inputs.n]")
    (problem,) = load_file(tmp_path, joined.encode()).problems
    line = joined.splitlines().index("\ufeff[inputs.n]") + 1
    assert problem.text("zh") == (
        f"第 {line} 行第 1 列有一个看不见的字符 U+FEFF（字节顺序标记 BOM，常由合并文件或复制粘贴带入）：请删除它"
    )


def test_a_data_file_saved_as_gbk_gets_the_same_help(tmp_path: Path) -> None:
    """Units' data files are read with the same care: a GBK data file is named as GBK."""
    data = tmp_path / "unit.toml"
    data.write_bytes('name = "某单位"\nbudget = 100\n'.encode("gbk"))
    with pytest.raises(DataError) as caught:
        perfscore.read_units(data)
    assert caught.value.problems[0].text("zh").startswith("文件以 GBK/GB18030 编码保存（第 1 行")


def test_the_points_sum_names_its_indicators() -> None:
    """The points-sum error lists each indicator's name with its points, in both languages."""
    text = Path(RULESET).read_text(encoding="utf-8").replace("total = 100", "total = 90", 1)
    with pytest.raises(RulesetError) as caught:
        perfscore.loads(text)
    (problem,) = [p for p in caught.value.problems if p.code == "points-sum"]
    assert problem.text("zh") == (
        "下级指标分值之和为 100（预算执行 15 + 产出 40 + 效益 30 + 管理 15），"
        "不等于规则声明的总分（ruleset.total） 90；相差 10"
    )
    assert problem.text("en") == (
        "the points of its indicators add up to 100 (预算执行 15 + 产出 40 + 效益 30 + 管理 15), "
        "not the declared total (ruleset.total) 90; difference 10"
    )


# --- the pages say what the command says --------------------------------------------------------------

ERRORS_PAGE = ROOT / "docs" / "errors.md"


def page_session(page: str, command: str) -> str:
    """The output a page shows under ``$ COMMAND`` (up to the next ``$`` line or the block's end), its
    indentation (a block inside a list item) removed."""
    block = re.search(rf"^( *)\$ {re.escape(command)}\n(.*?)^\1(?:\$|```)", page, re.M | re.S)
    assert block is not None, command
    indent = block.group(1)
    return "".join(line.removeprefix(indent) + "\n" for line in block.group(2).splitlines())


@pytest.mark.default_lang
def test_the_errors_page_shows_what_perfscore_says(
    no_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/errors.md: broken.toml, its syntax error and its table written twice, in Chinese (the default)
    and English; the curly quotes and the GBK file."""
    page = ERRORS_PAGE.read_text(encoding="utf-8")
    broken = page.split("A ruleset with five mistakes (`broken.toml`):\n\n```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "broken.toml").write_text(broken, encoding="utf-8")
    (tmp_path / "syntax.toml").write_text(
        broken.replace('label = "全年预算数"', "label = 全年预算数"), encoding="utf-8"
    )
    (tmp_path / "dup.toml").write_text(broken.replace("[inputs.executed]", "[inputs.budget]"), encoding="utf-8")
    (tmp_path / "curly.toml").write_text('[ruleset]\nid = "x"\ntitle = “测试”\n', encoding="utf-8")
    (tmp_path / "gbk.toml").write_bytes('[ruleset]\nid = "x"\ntitle = "测试"\n'.encode("gbk"))
    monkeypatch.chdir(tmp_path)
    commands = ["explain gbk.toml"]
    commands += [f"explain {name}.toml{lang}" for name in ("broken", "syntax", "dup") for lang in ("", " --lang en")]
    for command in commands:
        status, out, err = perfscore_cli(*command.split())
        assert (status, out) == (1, "")
        assert page_session(page, f"perfscore {command}").removesuffix("$ echo $?\n") == err, command
    assert perfscore_cli("check", "curly.toml")[1] == page_session(page, "perfscore check curly.toml")


def test_a_spreadsheet_given_as_a_ruleset_is_named(tmp_path: Path) -> None:
    """An .xlsx (a zip) where a TOML ruleset belongs: told it is a spreadsheet, not text."""
    (problem,) = load_file(tmp_path, (ROOT / "tests" / "tables" / "hubei-2023-workbook.xlsx").read_bytes()).problems
    assert problem.code == "encoding" and problem.text("zh").startswith("这是 Excel/WPS 表格或 Word 文档")


def test_zero_bytes_alone_do_not_make_a_file_utf16(tmp_path: Path) -> None:
    """Bytes with zeros in even and odd places alike (binary junk) are not taken for UTF-16."""
    (problem,) = load_file(tmp_path, bytes(range(256)) * 4).problems
    assert problem.code == "encoding" and problem.text("en").startswith("the file is not UTF-8 text (byte 128")


def test_the_old_constructor_and_a_text_make_the_same_problem() -> None:
    """Problem(location, English, message_zh=Chinese) — as other code still builds them — equals
    Problem(location, Text(Chinese, English)); each renders in the language asked for."""
    from perfscore.errors import Location
    from perfscore.messages import Text

    where = Location("r.toml", ("indicators", "a"))
    old = Problem(where, "unknown key", code="unknown-key", message_zh="未知的键")
    new = Problem(where, Text("未知的键", "unknown key"), code="unknown-key")
    assert old == new
    assert (new.render(lang="zh"), new.render(lang="en")) == (
        "r.toml: indicators.a: 未知的键",
        "r.toml: indicators.a: unknown key",
    )
    english_only = Problem(where, "unknown key", code="unknown-key")
    assert english_only.render(lang="zh") == "r.toml: indicators.a: unknown key"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", COMMANDS)
def test_help_lines_fit_the_terminal(monkeypatch: pytest.MonkeyPatch, command: str, lang: str) -> None:
    """In an 80-column terminal every help line fits (a Chinese character is two columns wide), and an
    example is never cut in two."""
    monkeypatch.setenv("COLUMNS", "80")
    _, out, _ = perfscore_cli(command, "--lang", lang, "--help")
    from perfscore.text import columns

    assert max(columns(line) for line in out.splitlines()) <= 80
    if lang == "zh":
        assert all(line.count("例：") == 0 or "例：" in line for line in out.splitlines())
        assert not any(line.lstrip().startswith(("）", "，", "。")) for line in out.splitlines())


@pytest.mark.parametrize(("typed", "zh"), [
    ('{"budget": “100”}', "第 1 行有中文全角符号，JSON 只认英文半角符号（请切换到英文输入法）：第 12 列的 “ 改为 '\"'"),
    ('{"budget": 100 "executed": 90}', "JSON 写法有误：缺少英文逗号 ,"),
])  # fmt: skip
def test_json_data_typed_wrongly(typed: str, zh: str) -> None:
    """A JSON unit on standard input with curly quotes, or a missing comma: what to change, in Chinese,
    the line shown with a caret under the place."""
    status, out, err = perfscore_cli("score", "department-wide", "-", "--lang", "zh", stdin=typed)
    assert (status, out) == (1, "")
    assert f"<stdin>:1:{12 if '“' in typed else 16}: {zh}" in err
    assert err.endswith(f"      1 | {typed}\n        | {' ' * (11 if '“' in typed else 15)}^\n")


@pytest.mark.parametrize(("formula", "sign", "ascii"), [
    ("n ≥ 3", "≥", ">="), ("n × 2", "×", "*"), ("min（n, 3）", "（", "("), ("n ÷ 2", "÷", "/"),
])  # fmt: skip
def test_a_sign_typed_in_a_formula_is_named_with_its_ascii(formula: str, sign: str, ascii: str) -> None:
    """≥ ≤ × ÷ and full-width brackets in a formula: the sign under a caret and the ASCII to type."""
    text = ONE_LEAF.replace('count = "n"', f'count = "{formula}"')
    with pytest.raises(RulesetError) as caught:
        perfscore.loads(text, source="r.toml")
    (problem,) = caught.value.problems
    assert problem.code == "formula-syntax"
    assert problem.text("zh") == f"公式中的 {sign} 要写成英文半角的 {ascii}（请切换到英文输入法）"
    assert problem.text("en") == f"write {sign} in a formula as the ASCII {ascii} (switch the input method to English)"
    span = problem.location.span
    assert span is not None and span.expression[span.start : span.end] == sign


@pytest.mark.default_lang
def test_the_systems_reason_is_said_in_chinese(no_env: None, tmp_path: Path) -> None:
    """A missing file: the system's own reason in Chinese by default, as the system says it in English."""
    missing = tmp_path / "nope.toml"
    assert (
        perfscore_cli("score", RULESET, str(missing))[2]
        == f"perfscore: {missing}: 无法读取数据文件（文件或文件夹不存在）\n"
    )
    assert perfscore_cli("score", RULESET, str(missing), "--lang", "en")[2] == (
        f"perfscore: {missing}: cannot read the data file (No such file or directory)\n"
    )


def test_check_shows_the_source_lines_of_a_ruleset_that_does_not_load(tmp_path: Path) -> None:
    """check of a ruleset that does not load: each located problem followed by its line and a caret;
    the findings of a ruleset that loads keep to one line each (their key path says where)."""
    path = tmp_path / "r.toml"
    path.write_text(ONE_LEAF.replace("total = 10", "total = 20"), encoding="utf-8")
    line = ONE_LEAF.split("\n").index("[indicators.output]") + 1
    _, out, _ = perfscore_cli("check", str(path), "--lang", "en")
    assert "  indicators: error[points-sum]: " in out
    assert f"\n      {line} | [indicators.output]\n      {' ' * len(str(line))} | ^\n" in out
    _, out, _ = perfscore_cli("check", str(ROOT / "tests" / "broken" / "unused-input.toml"), "--lang", "en")
    assert " | " not in out


def test_errors_pickle_with_both_languages() -> None:
    """A RulesetError, DataError or ScoringError sent through pickle (a process pool) keeps its problems,
    each in both languages, and renders the same."""
    import pickle

    from perfscore.errors import Location, ScoringError

    errors: list[PerfscoreError] = []
    for text, values in ((ONE_LEAF.replace("total = 10", "total = 20"), None), (ONE_LEAF, {"n": -1})):
        try:
            ruleset = perfscore.loads(text, source="r.toml")
            ruleset.score(values or {}, unit="u")
        except PerfscoreError as error:
            errors.append(error)
    errors.append(ScoringError(Problem(Location("r.toml"), "x", code="leaf-failed", message_zh="叉"), unit="u"))
    assert [type(error).__name__ for error in errors] == ["RulesetError", "DataError", "ScoringError"]
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))
        assert copy.problems == error.problems
        assert (copy.render("zh"), copy.render("en")) == (error.render("zh"), error.render("en"))


def test_a_windows_path_in_quotes_says_how_to_write_backslashes() -> None:
    """A backslash in a "…" string (a Windows path typed as it is): told to double it or use '…'."""
    with pytest.raises(RulesetError) as caught:
        perfscore.loads(ONE_LEAF.replace('sources = ["测试"]', 'sources = ["C:\\文件\\规则"]'), source="r.toml")
    (problem,) = caught.value.problems
    assert problem.code == "toml-syntax"
    assert problem.text("zh").startswith("TOML 写法有误：字符串中的反斜杠 \\ 要写成 \\\\，或改用单引号")
    assert problem.text("en") == "invalid TOML: Unescaped '\\' in a string"


def test_the_errors_page_s_example_of_adding_a_message_runs() -> None:
    """docs/errors.md's example of a new catalog entry builds the problem it says, in both languages."""
    page = ERRORS_PAGE.read_text(encoding="utf-8")
    block = page.split("**Adding a message**", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(block, str(ERRORS_PAGE), "exec"), {})

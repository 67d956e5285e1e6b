"""Every error a user sees is in the chosen language: Chinese by default.

One battery of bad inputs runs through the command line twice: with the
default language each must end in one ``错误：`` line free of English
words (ids, field paths, file names, option names and format names
aside), and with ``--lang en`` in one ``error:`` line. Exit status 1 and
a single line on stderr either way. Nothing here solves: each input is
refused while it is read, so the battery is fast.
"""

from __future__ import annotations

import re
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from spaceplan.cli import main
from spaceplan.cli.command import SpaceplanCommand, lang_from_args
from spaceplan.cli.options import lang_option
from spaceplan.errors import Msg, MsgWarning
from test_chinese_output import english_runs

DATA = Path(__file__).parent / "data"

#: Words that may stand in a Chinese error line, each for its reason.
ALLOWED = {
    # Format names: what a file is, spelt as the user's tools spell it.
    "YAML", "JSON", "CSV", "UTF", "GBK", "gbk", "TOML", "DXF", "Excel",
    # The commands the hint names ("参见 'spaceplan solve --help'").
    "solve", "validate", "check", "help",
    # Column names a room list needs: the user's header row spells them.
    "name", "floor", "area",
}  # fmt: skip
#: Options and their values as typed: --encoding, '--out'.
_OPTIONS = re.compile(r"--[a-z][a-z-]*")


@dataclass(frozen=True)
class Case:
    """One bad input: the command line and what the line must name."""

    name: str
    args: list[str]
    #: Text the line must contain in both languages (a field path, an
    #: option): the user's own names, kept verbatim.
    names: tuple[str, ...] = ()
    #: Ids in the files, which are not words.
    ids: frozenset[str] = frozenset()


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _scenario(folder: Path, rooms: str, name: str) -> Path:
    return _write(
        folder,
        name,
        "name: 测试\npolicy: tiny\n"
        "community: {households: 400, area_type: urban_built}\n"
        f"building:\n  rooms: {rooms}\n",
    )


def _cases(tmp: Path) -> list[Case]:
    """The battery; every file is made in ``tmp`` from the tiny scenario."""
    tiny = tmp / "tiny"
    shutil.copytree(DATA / "tiny", tiny)
    scenario = str(tiny / "scenario.yaml")
    bad = tmp / "bad"
    bad.mkdir()
    rooms = "[{id: R101, floor: 1, area: 60}]"
    return [
        # No file at that path.
        Case("missing file", ["validate", str(tmp / "nope.yaml")]),
        # A list never closed: the parser's position, not its sentence.
        Case(
            "bad YAML",
            ["validate", str(_write(bad, "broken.yaml", "a: [1, 2\nb: 3\n"))],
        ),
        # The profile is required.
        Case(
            "missing field",
            [
                "validate",
                str(_write(bad, "nopolicy.yaml",
                           f"name: 测试\nbuilding: {{rooms: {rooms}}}\n"
                           "community: {households: 400}\n")),
            ],
            names=("policy",),
        ),
        # An area below zero.
        Case(
            "negative area",
            [
                "validate",
                str(_scenario(
                    bad, "[{id: R101, floor: 1, area: -5}]", "neg.yaml"
                )),
            ],
            names=("building.rooms[0].area",),
            ids=frozenset({"R101"}),
        ),
        # archve is a typo of archive: refused, the right id suggested.
        Case(
            "unknown never_with",
            ["validate", str(DATA / "hostile" / "never-with-misspelt.yaml")],
            names=("functions[0].never_with[0]",),
            ids=frozenset({"archve", "archive", "tiny"}),
        ),
        # An option no command has, with a suggestion.
        Case("bad option", ["solve", scenario, "--bogus"], names=("--bogus",)),
        # solve without its scenario.
        Case("missing argument", ["solve"], ids=frozenset({"SCENARIO"})),
        # An encoding Python does not know.
        Case(
            "bad encoding",
            ["validate", scenario, "--encoding", "klingon"],
            names=("--encoding",),
            ids=frozenset({"klingon"}),
        ),
        # A room list without its area column.
        Case(
            "bad room list",
            [
                "validate",
                str(
                    _scenario(
                        _write_rooms(bad), "rooms-noarea.csv", "list.yaml"
                    )
                ),
            ],
            names=("header",),
            ids=frozenset({"id"}),
        ),
        # A plan that puts a function in a room the building lacks.
        Case(
            "bad plan",
            [
                "check",
                scenario,
                str(_write(bad, "plan.yaml", "service_hall: R909\n")),
            ],
            names=("service_hall",),
            ids=frozenset({"R909", "R101", "R201", "R202", "R203"}),
        ),
        # A profile that does not exist; the known ones are listed.
        Case(
            "bad profile",
            [
                "validate",
                str(_write(bad, "noprofile.yaml",
                           "name: 测试\npolicy: tinny\n"
                           "community: {households: 400, "
                           "area_type: urban_built}\n"
                           f"building: {{rooms: {rooms}}}\n")),
            ],
            names=("policy",),
            ids=frozenset({"tinny", "tiny"}),
        ),
    ]  # fmt: skip


def _write_rooms(folder: Path) -> Path:
    _write(folder, "rooms-noarea.csv", "id,name,floor\nR101,大厅,1\n")
    return folder


def _run(args: list[str]) -> tuple[int, list[str]]:
    result = CliRunner().invoke(
        main, args, env={"COLUMNS": "5000"}, prog_name="spaceplan"
    )
    assert result.exception is None or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stderr.strip().splitlines()


NAMES = [
    "missing file", "bad YAML", "missing field", "negative area",
    "unknown never_with", "bad option", "missing argument", "bad encoding",
    "bad room list", "bad plan", "bad profile",
]  # fmt: skip


def _case(tmp: Path, name: str) -> Case:
    return next(c for c in _cases(tmp) if c.name == name)


@pytest.mark.parametrize("name", NAMES)
def test_errors_are_chinese_by_default(
    tiny_configs: Path, tmp_path: Path, name: str
) -> None:
    case = _case(tmp_path, name)
    code, lines = _run(case.args)
    assert code == 1 and len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("错误："), line
    for text in case.names:
        assert text in line, line
    # The user's own names are kept verbatim; the rest must be Chinese.
    rest = line.replace(str(tmp_path), " ").replace(str(DATA), " ")
    rest = re.sub(r"[\w./-]+\.(yaml|csv)", " ", rest)
    for text in case.names:
        rest = rest.replace(text, " ")
    rest = _OPTIONS.sub(" ", rest)
    assert english_runs(rest, set(case.ids) | ALLOWED) == [], line


@pytest.mark.parametrize("name", NAMES)
def test_errors_are_english_with_lang_en(
    tiny_configs: Path, tmp_path: Path, name: str
) -> None:
    case = _case(tmp_path, name)
    code, lines = _run([*case.args, "--lang", "en"])
    assert code == 1 and len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("error: "), line
    assert not re.search(r"[\u4e00-\u9fff]", line.replace("大厅", "")), line
    for text in case.names:
        assert text in line, line


def test_the_environment_sets_the_language_of_a_usage_error(
    tiny_configs: Path,
) -> None:
    # No --lang on the line: SPACEPLAN_LANG decides, before parsing.
    result = CliRunner().invoke(
        main,
        ["solve", "--bogus"],
        env={"SPACEPLAN_LANG": "en"},
        prog_name="spaceplan",
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: No such option '--bogus'")
    # --lang on the line wins over the environment.
    result = CliRunner().invoke(
        main,
        ["solve", "--bogus", "--lang", "zh"],
        env={"SPACEPLAN_LANG": "en"},
    )
    assert result.stderr.startswith("错误：没有选项 '--bogus'")


def test_lang_is_read_from_the_raw_arguments() -> None:
    assert lang_from_args(["solve", "x.yaml", "--lang", "en"]) == "en"
    assert lang_from_args(["solve", "--lang=en", "--lang", "zh"]) == "zh"
    # A value that is no language is left to the option's own check.
    assert lang_from_args(["solve", "--lang", "fr"]) is None
    assert lang_from_args(["solve", "--lang"]) is None


def test_every_command_has_lang() -> None:
    ctx = click.Context(main)
    commands = [main.get_command(ctx, n) for n in main.list_commands(ctx)]
    bench = main.get_command(ctx, "bench")
    assert isinstance(bench, click.Group)
    commands.append(bench.get_command(click.Context(bench), "osa"))
    for command in commands:
        assert command is not None
        names = {o for p in command.params for o in p.opts}
        assert "--lang" in names, command.name


def test_a_gbk_room_list_is_read_with_a_notice_in_the_language(
    tiny_configs: Path, tmp_path: Path
) -> None:
    # Excel on Chinese Windows saves CSV in GBK: read, with a notice.
    rooms = "id,name,floor,area\nR101,原营业厅,1,60\nR102,阅览室,1,40\n"
    (tmp_path / "rooms.csv").write_bytes(rooms.encode("gbk"))
    scenario = str(_scenario(tmp_path, "rooms.csv", "s.yaml"))
    zh = CliRunner().invoke(main, ["validate", scenario])
    assert zh.exit_code == 0, zh.output
    assert zh.stderr.startswith("警告：") and "已按 GBK 读取" in zh.stderr
    en = CliRunner().invoke(main, ["validate", scenario, "--lang", "en"])
    assert en.stderr.startswith("warning: ") and "read as GBK" in en.stderr
    # Naming the encoding silences the notice; a wrong one is one line.
    named = CliRunner().invoke(
        main, ["validate", scenario, "--encoding", "gbk"]
    )
    assert named.exit_code == 0 and named.stderr == ""
    wrong = CliRunner().invoke(
        main, ["validate", scenario, "--encoding", "utf-8"]
    )
    lines = wrong.stderr.strip().splitlines()
    assert wrong.exit_code == 1 and len(lines) == 1, wrong.stderr
    assert "不是 utf-8 编码的文本" in lines[0]


@click.command(cls=SpaceplanCommand)
@lang_option()
def _warns(lang: str) -> None:
    """A command whose work warns twice the same and once as a library."""
    for _ in range(2):
        warnings.warn(
            MsgWarning(Msg("err.font.missing", path="x.ttf")), stacklevel=1
        )
    warnings.warn("'oneOf' deprecated - use 'one_of'", stacklevel=1)


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("zh", "警告：字体文件 x.ttf 不存在。"),
        ("en", "warning: font file x.ttf does not exist."),
    ],
)
def test_warnings_are_said_once_in_the_language(lang: str, line: str) -> None:
    # Every command: the package's warning once, in the user's language;
    # a library's deprecation warning not at all.
    result = CliRunner().invoke(_warns, ["--lang", lang])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [line]

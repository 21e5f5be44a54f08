"""The README's examples are what the real build answers: no figure in them is typed by hand.

Each fenced block of README.md that opens with ``$ maillage …`` shows the first lines of that command's
output on the national build of the real registry, and ends with ``…`` when the output goes on. This
test runs each command and compares; after an intended change of an answer, write the blocks again
from the build with ``python tests/test_readme_examples.py`` (``MAILLAGE_DATA_DIR`` naming the build),
then read the diff before committing it.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"```\n\$ (maillage [^\n]*)\n(.*?)```", re.S)
MORE = "…"


def examples(text: str) -> list[tuple[str, list[str]]]:
    """(command, the output lines the README shows) of each example block."""
    return [(command, body.rstrip("\n").split("\n")) for command, body in BLOCK.findall(text)]


def run(command: str, data_dir: Path) -> list[str]:
    args = shlex.split(command)[1:]
    done = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return done.output.rstrip("\n").split("\n")


def shown(output: list[str], length: int) -> list[str]:
    """What a block shows of ``output`` in ``length`` lines: all of it, or its start and ``…``."""
    return output if len(output) <= length else output[:length - 1] + [MORE]


def test_the_readme_has_examples():
    assert examples(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize("command, lines", examples(README.read_text(encoding="utf-8")))
def test_each_readme_example_is_the_build_s_answer(national, command, lines):
    assert lines == shown(run(command, national.data_dir), len(lines)), (
        f"README.md : l'exemple « {command} » n'est plus la réponse du graphe construit ; "
        "réécrivez-le avec `python tests/test_readme_examples.py` et relisez la différence.")


def rewrite(data_dir: Path, length: int = 14) -> None:
    """Write every example block again from the build in ``data_dir`` (its first ``length`` lines)."""
    text = README.read_text(encoding="utf-8")

    def block(match: re.Match) -> str:
        command = match.group(1)
        return "```\n$ " + command + "\n" + "\n".join(shown(run(command, data_dir), length)) + "\n```"

    README.write_text(BLOCK.sub(block, text), encoding="utf-8")


if __name__ == "__main__":
    from core.settings import Settings

    rewrite(Settings.from_env().data_dir, *(int(a) for a in sys.argv[1:2]))

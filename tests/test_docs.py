"""The README documents every setting and every named question; every question has both twins."""

from __future__ import annotations

from pathlib import Path

from core.settings import PROJECT_ROOT, SETTINGS

README = (PROJECT_ROOT / "README.md").read_text()
QUERIES = PROJECT_ROOT / "queries"


def test_every_setting_is_documented():
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in README and f"`{s.name}`," not in README]
    assert not missing


def test_every_named_question_is_documented_and_has_its_twin():
    names = {p.stem for p in QUERIES.glob("*.rq")}
    assert names == {p.stem for p in QUERIES.glob("*.cypher")}
    assert [n for n in sorted(names) if f"`{n}`" not in README] == []


def test_every_query_file_says_what_it_answers():
    for path in [*QUERIES.glob("*.rq"), *QUERIES.glob("*.cypher")]:
        first = Path(path).read_text().splitlines()[0]
        assert first.startswith(("# ", "// ")) and ":" in first, path.name


def test_every_module_is_named_in_the_layout():
    """A newcomer finds the room of any module in the README's layout table."""
    layout = README[README.index("## Layout"):]
    rooms = [PROJECT_ROOT / d for d in ("core", "store", "ingest", "queries", "analysis", "api", "cli")]
    assert all(room.is_dir() for room in rooms)
    missing = [f"{room.name}/{p.name}" for room in rooms for p in room.glob("*.py")
               if p.stem != "__init__" and f"`{p.stem}`" not in layout]
    assert missing == []

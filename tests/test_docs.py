"""The docs a newcomer reads: a short README with the layout of every module, a manual documenting every
setting and every named question (each with both twins), and recipes that name only what exists."""

from __future__ import annotations

import re

from pathlib import Path

from core.settings import PROJECT_ROOT, SETTINGS

README = (PROJECT_ROOT / "README.md").read_text()
#: settings, named questions and commands are documented in the manual (docs/manual.md)
MANUAL = (PROJECT_ROOT / "docs" / "manual.md").read_text()
RECIPES = (PROJECT_ROOT / "docs" / "recipes.md").read_text()
QUERIES = PROJECT_ROOT / "queries"


def test_every_setting_is_documented():
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in MANUAL and f"`{s.name}`," not in MANUAL]
    assert not missing


def test_every_named_question_is_documented_and_has_its_twin():
    names = {p.stem for p in QUERIES.glob("*.rq")}
    assert names == {p.stem for p in QUERIES.glob("*.cypher")}
    assert [n for n in sorted(names) if f"`{n}`" not in MANUAL] == []


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


def test_the_readme_is_short():
    """A newcomer maps the house in ten minutes: the rest lives in docs/."""
    assert len(README.splitlines()) <= 250


def test_every_link_of_the_docs_reaches_a_file():
    pages = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
            if not target.startswith(("http://", "https://", "mailto:")) and not (page.parent / target).exists():
                broken.append(f"{page.name}: {target}")
    assert broken == []


def test_the_recipes_name_only_what_exists():
    """Every path and every ``module.function`` the recipes name is in the tree."""
    paths = set(re.findall(r"`((?:ontology|ingest|queries|api|analysis|store|core|cli|tests)/[\w./-]*\w)`", RECIPES))
    assert paths and [p for p in sorted(paths) if not (PROJECT_ROOT / p).exists()] == []
    import importlib
    for dotted in re.findall(r"`((?:store|queries|core|ingest|analysis)\.\w+\.\w+)`", RECIPES):
        module, name = dotted.rsplit(".", 1)
        assert hasattr(importlib.import_module(module), name), dotted
    for reader in re.findall(r"reader: (ingest\.\w+:\w+)", (PROJECT_ROOT / "ingest" / "sources" / "finess.yaml").read_text()):
        module, name = reader.split(":")
        assert hasattr(importlib.import_module(module), name), reader

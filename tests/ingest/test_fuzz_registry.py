"""Fuzzing the registry reader: random mutations of real registry files (and of a CSV sheet in the same
scope) give a French report or a success, never an exception, never an rdflib warning, and never touch
the live build.

Each example runs ``check`` (the reading and validation ``build`` runs before writing anything, and
that the server's validate endpoint runs) on a mutated copy; the geography is read once for the module.
That a refused build leaves ``current`` as it was is the corpus's job (``test_corpus.py``).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from core.errors import RegistryInvalid
from ingest import geography
from ingest.build import build, check
from core.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

REAL = "region-94.yaml"
SHEET = "region-94-suivi.csv"
CSV = (
    "id,type,name,territory,age_min,age_max,publics,from,to,status,carrier,source_title,source_url,source_date,excerpt\n"
    "cls-ajaccio-essai,CLS,CLS d'essai,departement:2A,0,120,tout-public,2023-01-01,,active,ars-corse,"
    "Tableau de suivi,https://example.org/suivi,2024-01-01,CLS d'essai\n"
    "cls-ajaccio-essai,CLS,CLS d'essai,departement:2B,0,120,tout-public,2023-01-01,,active,ars-corse,"
    "Tableau de suivi,https://example.org/suivi,2024-01-01,CLS d'essai\n"
)
#: pieces that mean something to a YAML or CSV parser, or to a rule
HOSTILE = [
    "[" * 5000, "{a: " * 50, "&a [*a]", "*nope", "!!python/object:os.system", "!tag", "---\n", "? [x]\n: 1\n",
    "2024-02-30", "2024-13-01", "2024-01-01 10:00:00", "[true, 12]", '["zero", "douze"]', "12", "\x00", "\t",
    '"', "'", ",", ":", "- ", "#", "\n", "  ", "|\n", ">\n", "<<: {}", "Dr Jean Dupont", "06 12 34 56 78",
    "marie.martin@gmail.com", "../../etc/passwd", "/etc/passwd", "commune:99999", "x" * 11_000, "\u00e9", "\ufeff",
    "ages: 12", "scope: {region: \"76\"}", "from: 2030-01-01", "to: 1990-01-01",
    # values that passed the reader and broke a later step (issue 29)
    '"x\\n"', "\x07", "\u202e", "\u2028", "\u200b", "\x85", "010", "0x1F", "javascript:alert(1)", "data:,x", "2099-01-01",
    "i" * 150,
]

_edit = st.one_of(
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(HOSTILE)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.text(max_size=8)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 200)),
    st.tuples(st.just("line-drop"), st.floats(0, 1), st.just("")),
    st.tuples(st.just("line-copy"), st.floats(0, 1), st.just("")),
    st.tuples(st.just("byte"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just("")),
)


def _mutate(raw: bytes, edits) -> bytes:
    for op, where, arg in edits:
        at = int(where * len(raw))
        if op == "insert":
            raw = raw[:at] + arg.encode("utf-8") + raw[at:]
        elif op == "delete":
            raw = raw[:at] + raw[at + arg:]
        elif op == "byte":
            raw = raw[:at] + bytes([arg]) + raw[at + 1:]
        elif op == "truncate":
            raw = raw[:at]
        else:
            lines = raw.split(b"\n")
            i = int(where * (len(lines) - 1))
            lines[i:i + 1] = [] if op == "line-drop" else [lines[i], lines[i]]
            raw = b"\n".join(lines)
    return raw


class _Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def base(tmp_path_factory, registry_copy):
    """A live build of the real Corse file and a sheet in its scope; the geography read once."""
    root = tmp_path_factory.mktemp("fuzz")
    live = registry_copy(root, [PROJECT_ROOT / "registry" / REAL])
    (live.registry / SHEET).write_text(CSV, encoding="utf-8")
    build(live)
    geo = geography.load(live.geography)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(geography, "load", lambda folder, cache=None: geo)
        yield live, root


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(target=st.sampled_from([REAL, SHEET]), edits=st.lists(_edit, min_size=1, max_size=3))
def test_mutated_registry_gives_a_report_or_a_success(base, target, edits):
    live, root = base
    before = os.readlink(live.data_dir / "current")
    case = root / "case"
    shutil.rmtree(case, ignore_errors=True)
    shutil.copytree(live.registry, case)
    (case / target).write_bytes(_mutate((live.registry / target).read_bytes(), edits))
    handler = _Warnings()
    logging.getLogger("rdflib").addHandler(handler)
    try:
        check(dataclasses.replace(live, registry=case))
    except RegistryInvalid as refused:
        assert refused.problems
        for p in refused.problems:
            assert p.file and p.entry and p.rule and p.message, p
            if p.rule == "syntaxe-yaml":
                assert p.message.startswith("YAML illisible"), p
        assert "Registre invalide" in str(refused)
    finally:
        logging.getLogger("rdflib").removeHandler(handler)
    assert not handler.records, [r.getMessage() for r in handler.records]
    assert os.readlink(live.data_dir / "current") == before
    assert (live.registry / target).read_bytes() != b""  # the live registry itself was never written


def test_unmutated_copy_is_valid(base):
    live, _ = base
    check(live)


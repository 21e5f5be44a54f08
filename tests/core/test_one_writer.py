"""Every file the package writes goes through the one writer (``core.atomic``): a plain write
anywhere else fails this test.

The scan reads the source of every room (``core/``, ``store/``, ``ingest/``, ``queries/``, ``analysis/``,
``api/``, ``cli/``, ``ontology/``) and refuses each call that writes a file by itself: ``write_text``,
``write_bytes``, ``open`` (builtin, ``Path.open``, gzip, lzma, bz2, ``os.fdopen``) in a writing mode,
``os.open`` with writing flags, shutil's copies and moves, renames and links, the temporary files of
``tempfile`` (which no build would sweep), an openpyxl workbook's ``save``, Oxigraph's ``serialize``
to a file, and ``sqlite3.connect`` on a file. A call is allowed when what it writes is a path the
writer handed out (``with atomic.replacing(p) as tmp``, ``atomic.scratch_folder``,
``atomic.new_folder``, or a path under one of those) or an in-memory buffer (``io.BytesIO``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT

ROOMS = ("core", "store", "ingest", "queries", "analysis", "api", "cli", "ontology")
#: the writer itself
WRITER = Path("core/atomic.py")
#: calls of the writer that hand out a path, and constructors of in-memory buffers
BINDERS = {"replacing", "scratch_folder", "new_folder", "staged", "BytesIO", "StringIO", "temporary_for"}
WORKBOOKS = {"Workbook", "load_workbook"}
OPENERS = {"gzip", "lzma", "bz2", "io", "codecs"}
COPIES = {"copy", "copy2", "copyfile", "copytree", "move"}
TEMPFILES = {"mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryDirectory", "TemporaryFile", "SpooledTemporaryFile"}
WRITE_FLAGS = {"O_WRONLY", "O_RDWR", "O_APPEND", "O_TRUNC"}


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _root(expr: ast.expr) -> str:
    """The variable a path expression starts from: ``tmp`` for ``tmp / "a" / name``,
    ``self._tmp`` for ``self._tmp.with_suffix(".x")``, ``str(tmp)``'s ``tmp``."""
    while True:
        if isinstance(expr, ast.BinOp):
            expr = expr.left
        elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) \
                and expr.func.attr in ("with_suffix", "with_name", "joinpath", "resolve"):
            expr = expr.func.value
        elif isinstance(expr, ast.Call) and _name(expr.func) in ("str", "open", "fdopen") and expr.args:
            expr = expr.args[0]  # a file opened on a path the writer handed out writes there
        elif isinstance(expr, ast.Call) and _name(expr.func) == "cast" and len(expr.args) == 2:
            expr = expr.args[1]  # typing.cast(IO[bytes], out) is ``out``
        elif isinstance(expr, ast.Call) and any(k.arg == "fileobj" for k in expr.keywords):
            expr = next(k.value for k in expr.keywords if k.arg == "fileobj")  # a stream over such a file
        elif isinstance(expr, ast.JoinedStr):
            parts = [v.value for v in expr.values if isinstance(v, ast.FormattedValue)]
            if not parts:
                return ""
            expr = parts[0]
        else:
            return ast.unparse(expr)


def _bound(tree: ast.AST) -> set[str]:
    """Names the module binds to a path the writer handed out, or to an in-memory buffer; and
    names bound to a workbook (``.save`` writes a file)."""
    bound: set[str] = set()
    changed = True
    while changed:  # a name made from a bound one (``registry = tmp / "registry"``) is bound too
        changed = False
        for node in ast.walk(tree):
            pairs = []
            if isinstance(node, ast.withitem) and node.optional_vars is not None:
                pairs.append((node.optional_vars, node.context_expr))
            elif isinstance(node, ast.Assign):
                pairs += [(target, node.value) for target in node.targets]
            for target, value in pairs:
                key = ast.unparse(target)
                if key in bound:
                    continue
                made = isinstance(value, ast.Call) and _name(value.func) in BINDERS
                if made or _root(value) in bound:
                    bound.add(key)
                    changed = True
    return bound


def _workbooks(tree: ast.AST) -> set[str]:
    return {ast.unparse(t) for node in ast.walk(tree) if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call) and _name(node.value.func) in WORKBOOKS for t in node.targets}


def _mode(call: ast.Call, position: int) -> str:
    for keyword in call.keywords:
        if keyword.arg == "mode" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    if len(call.args) > position and isinstance(call.args[position], ast.Constant):
        return str(call.args[position].value)
    return "r"


def _writes(call: ast.Call, bound: set[str], workbooks: set[str]) -> str | None:
    """What ``call`` writes by itself, or None (it writes nothing, or through the writer)."""
    func = call.func
    name = _name(func)
    receiver = func.value if isinstance(func, ast.Attribute) else None
    module = receiver.id if isinstance(receiver, ast.Name) else ""

    def outside(target: ast.expr | None) -> bool:
        return target is None or _root(target) not in bound

    if name in ("write_text", "write_bytes") and receiver is not None and module != "atomic":
        return name if outside(receiver) else None
    if name == "open" and receiver is None or (name == "open" and module in OPENERS) or (name == "fdopen" and module == "os"):
        return name if set(_mode(call, 1)) & set("wax+") and outside(call.args[0] if call.args else None) else None
    if name == "open" and module == "os":
        flags = {n.attr for n in ast.walk(call.args[1]) if isinstance(n, ast.Attribute)} if len(call.args) > 1 else set()
        return "os.open" if flags & WRITE_FLAGS and outside(call.args[0]) else None
    if name == "open" and receiver is not None:  # Path.open(mode)
        return "Path.open" if set(_mode(call, 0)) & set("wax+") and outside(receiver) else None
    if module == "shutil" and name in COPIES:
        return f"shutil.{name}" if outside(call.args[1] if len(call.args) > 1 else None) else None
    if module == "os" and name in ("replace", "rename", "link", "symlink"):
        return f"os.{name}"
    if name in ("rename", "symlink_to", "hardlink_to", "touch") and receiver is not None and module != "atomic" \
            and len(call.args) <= 1 and not call.keywords:
        return name if outside(receiver) else None
    if module == "tempfile" and name in TEMPFILES:
        return f"tempfile.{name}"
    if name == "save" and receiver is not None and ast.unparse(receiver) in workbooks:
        return "Workbook.save" if outside(call.args[0] if call.args else None) else None
    if name == "serialize" and module == "ox":
        output = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "output"), None)
        return "ox.serialize" if output is not None and outside(output) else None
    if name == "connect" and module == "sqlite3":
        target = call.args[0] if call.args else None
        memory = isinstance(target, ast.Constant) and target.value == ":memory:"
        read_only = isinstance(target, ast.JoinedStr) and "mode=ro" in ast.unparse(target)
        return "sqlite3.connect" if not (memory or read_only) and outside(target) else None
    return None


def plain_writes(source: str) -> list[tuple[int, str]]:
    """(line, call) of each write of ``source`` that does not go through the writer."""
    tree = ast.parse(source)
    bound, workbooks = _bound(tree), _workbooks(tree)
    return sorted((node.lineno, what) for node in ast.walk(tree) if isinstance(node, ast.Call)
                  for what in [_writes(node, bound, workbooks)] if what)


def _modules() -> list[Path]:
    return sorted(path for room in ROOMS for path in (PROJECT_ROOT / room).rglob("*.py")
                  if path.relative_to(PROJECT_ROOT) != WRITER and "__pycache__" not in path.parts)


def test_no_module_writes_a_file_outside_the_writer():
    found = [f"{path.relative_to(PROJECT_ROOT)}:{line} {what}"
             for path in _modules() for line, what in plain_writes(path.read_text(encoding="utf-8"))]
    assert not found, "écritures hors de core.atomic :\n" + "\n".join(found)


@pytest.mark.parametrize("source", [
    "path.write_text('x')",
    "(folder / 'a.json').write_bytes(b'x')",
    "open(path, 'w')",
    "open(path, mode='ab')",
    "path.open('w', encoding='utf-8')",
    "gzip.open(target, 'wb')",
    "os.fdopen(fd, 'wb')",
    "os.open(path, os.O_WRONLY | os.O_CREAT)",
    "shutil.copyfile(a, b)",
    "shutil.copytree(a, b)",
    "os.replace(tmp, path)",
    "tmp.rename(final)",
    "tempfile.mkstemp(dir=folder)",
    "book = Workbook()\nbook.save(target)",
    "ox.serialize(triples, str(target), format=f)",
    "sqlite3.connect(tmp)",
])
def test_the_scan_finds_each_kind_of_plain_write(source):
    assert plain_writes(source), source


@pytest.mark.parametrize("source", [
    "atomic.write_text(path, 'x')",
    "with atomic.replacing(path) as tmp:\n    gzip.open(tmp, 'wb')",
    "with replacing(path) as tmp:\n    ox.serialize(triples, str(tmp), format=f)",
    "with atomic.scratch_folder(parent, 'x') as tmp:\n    registry = tmp / 'registry'\n    shutil.copytree(a, registry)",
    "out = io.BytesIO()\nbook = Workbook()\nbook.save(out)",
    "with atomic.staged() as files:\n    files.write_text(path, 'x')",
    "open(path)",
    "path.open()",
    "lzma.open(io.BytesIO(raw))",
    "sqlite3.connect(':memory:')",
    "sqlite3.connect(f'file:{path}?mode=ro', uri=True)",
    "frame.rename(columns={'a': 'b'})",
])
def test_the_scan_lets_the_writer_s_paths_and_reads_pass(source):
    assert not plain_writes(source), source

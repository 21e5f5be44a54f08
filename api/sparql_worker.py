"""The child process that runs one SPARQL query at a time over the live build's store, read-only.

A query runs here, not in the service: Oxigraph cannot interrupt a query from another thread, so the
service waits for the answer with a time limit and, past it, kills this process and starts another
(``api/sparql.py``). The store is opened read-only (no write can reach it whatever the text says), the
text must be a query (SELECT, ASK, CONSTRUCT, DESCRIBE: an update is a syntax error for
``Store.query``), and :func:`check` refuses ``SERVICE`` (Oxigraph would call the other host) and names
every update keyword for a clear message. Results are written here, row by row, up to the row limit.

The process bounds itself when it starts (:func:`serve`): its address space (``RLIMIT_AS``, so that a
query building a huge value fails its allocation here, and only this process stops) and its priority
(:func:`lower`: the service's own process keeps the CPU it needs while queries run). An answer past its byte
bound is refused (413) rather than sent: the bound is checked while rows are read, before they are
written out.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from xml.sax.saxutils import escape, quoteattr

__all__ = ["check", "serve", "RESULT_TYPES", "GRAPH_TYPES", "TOO_LARGE", "OUT_OF_MEMORY", "NICE", "lower"]

#: media type of a solutions result → name
RESULT_TYPES = {"application/sparql-results+json": "json", "text/csv": "csv", "text/tab-separated-values": "tsv",
                "application/sparql-results+xml": "xml"}
GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "ntriples", "application/rdf+xml": "rdfxml",
               "application/ld+json": "jsonld"}
#: characters XML 1.0 cannot hold, even escaped (§2.2 Char): the C0 controls but tab, LF and CR, and U+FFFE, U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# What is not query syntax (IRIs, strings, comments) is blanked before looking for keywords.
_SKIP = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                   r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*')
_FORBIDDEN = re.compile(r"(?<![?$:\w-])(SERVICE|INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)(?![\w:-])", re.I)


def check(text: str) -> str | None:
    """A French reason to refuse ``text``, or None."""
    found = _FORBIDDEN.search(_SKIP.sub(" ", text))
    if found is None:
        return None
    word = found.group(1).upper()
    if word == "SERVICE":
        return "SERVICE refusé : ce point d'accès n'interroge pas d'autre serveur."
    return f"{word} refusé : ce point d'accès est en lecture seule (requêtes SELECT, ASK, CONSTRUCT, DESCRIBE)."


def _term(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _xml_text(value: str, replaced: list[int]) -> str:
    """``value`` escaped for XML 1.0, each character it cannot hold replaced by U+FFFD (counted in
    ``replaced``): an XML answer is always well-formed; JSON, CSV and TSV carry every character."""
    value, count = _NOT_XML.subn("\ufffd", value)
    replaced[0] += count
    return escape(value)


def _xml_note(replaced: list[int], others: str = "JSON, CSV et TSV") -> str:
    """The comment that says, after the root element, how many characters were replaced."""
    if not replaced[0]:
        return ""
    return (f"\n<!-- {replaced[0]} caractère(s) que XML 1.0 ne peut pas écrire remplacé(s) par U+FFFD ; "
            f"les formats {others} les donnent tels quels -->")


#: statuses a worker answers besides 200 and 400: the answer past its byte bound, memory exhausted
TOO_LARGE, OUT_OF_MEMORY = 413, 503
#: the priority of a worker process (``nice``): below the service's, which must answer while queries run
NICE = 10


def lower(pid: int = 0) -> None:
    """Put a worker below every ordinary process: ``nice`` :data:`NICE` and, on Linux, ``SCHED_IDLE``.

    ``nice`` alone leaves a query's process a share of the core: on two cores, two workers running to
    their time limit still delayed the service's answers by milliseconds (``/v1/health``'s p99 3.3× its
    p99 at rest in ``bench/bench_hostile.py``). Under ``SCHED_IDLE`` a worker runs only on a core no
    ordinary task wants, and gives it back as soon as one wakes. The price, chosen: on a core kept busy by
    the service's own answers, a query waits, and its time limit (wall time) may stop it. A process may
    lower itself to ``SCHED_IDLE`` without privilege; threads started afterwards (Oxigraph's) inherit it.
    """
    os.setpriority(os.PRIO_PROCESS, pid, max(NICE, os.getpriority(os.PRIO_PROCESS, pid)))
    if hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
        except OSError:  # a system that refuses it: nice alone
            pass
#: bytes counted for each cell besides its value (the markup of the most verbose format, XML)
_CELL = 64


class _TooLarge(Exception):
    pass


def _solutions(result, kind: str, limit: int, max_bytes: int) -> tuple[bytes, bool]:
    names = [v.value for v in result.variables]
    rows: list[list] = []
    truncated, size = False, 0
    for solution in result:
        if len(rows) == limit:
            truncated = True
            break
        row = [solution[n] for n in names]
        # The values' length is known before anything is written: a 131 MB answer is refused here.
        size += sum(_CELL + (len(v.value) if v is not None else 0) for v in row)
        if size > max_bytes:
            raise _TooLarge
        rows.append(row)
    if kind == "json":
        bindings = [{n: _term(v) for n, v in zip(names, row) if v is not None} for row in rows]
        return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False).encode(), truncated
    if kind in ("csv", "tsv"):
        out = io.StringIO()
        if kind == "csv":
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(names)
            writer.writerows([("" if v is None else v.value) for v in row] for row in rows)
        else:
            out.write("\t".join("?" + n for n in names) + "\n")
            for row in rows:
                out.write("\t".join("" if v is None else str(v) for v in row) + "\n")
        return out.getvalue().encode(), truncated
    replaced = [0]
    parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    parts += [f"<variable name={quoteattr(n)}/>" for n in names] + ["</head><results>"]
    for row in rows:
        parts.append("<result>")
        for n, v in zip(names, row):
            if v is None:
                continue
            t = _term(v)
            if t["type"] == "uri":
                inner = f"<uri>{escape(t['value'])}</uri>"
            elif t["type"] == "bnode":
                inner = f"<bnode>{escape(t['value'])}</bnode>"
            else:
                attrs = (f" xml:lang={quoteattr(t['xml:lang'])}" if "xml:lang" in t else "") + \
                        (f" datatype={quoteattr(t['datatype'])}" if "datatype" in t else "")
                inner = f"<literal{attrs}>{_xml_text(t['value'], replaced)}</literal>"
            parts.append(f"<binding name={quoteattr(n)}>{inner}</binding>")
        parts.append("</result>")
    parts.append("</results></sparql>" + _xml_note(replaced))
    return "".join(parts).encode(), truncated


def _query_options(options: dict | None) -> dict:
    """``Store.query``'s arguments for a call's ``options``: its base IRI (relative IRIs in a query
    resolve against the endpoint's address) and its protocol dataset (``sparql_protocol``): the
    default graph the merge of ``default_graph`` (none: empty), the named graphs ``named_graphs``."""
    import pyoxigraph as ox

    options = options or {}
    out = {"base_iri": options["base_iri"]} if options.get("base_iri") else {}
    if options.get("dataset") is not None:
        defaults, named = options["dataset"]
        out["default_graph"] = [ox.NamedNode(i) for i in defaults]
        out["named_graphs"] = [ox.NamedNode(i) for i in named]
    return out


def _graph(triples: list, kind: str) -> bytes:
    import pyoxigraph as ox

    if kind == "rdfxml":  # XML 1.0 again: a literal's characters it cannot hold are replaced, and said
        replaced = [0]
        triples = [ox.Triple(t.subject, t.predicate, _xml_literal(t.object, replaced)) for t in triples]
        written = ox.serialize(triples, format=ox.RdfFormat.RDF_XML) or b""  # bytes whenever no file is given
        return written + _xml_note(replaced, "Turtle, N-Triples et JSON-LD").encode()
    formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
    return ox.serialize(triples, format=formats[kind]) or b""


def _xml_literal(term, replaced: list[int]):
    import pyoxigraph as ox

    if not isinstance(term, ox.Literal) or not _NOT_XML.search(term.value):
        return term
    value, count = _NOT_XML.subn("\ufffd", term.value)
    replaced[0] += count
    return ox.Literal(value, language=term.language) if term.language else ox.Literal(value, datatype=term.datatype)


def run(store, text: str, results: str, graphs: str, limit: int, max_bytes: int,
        options: dict | None = None) -> tuple[int, str, bytes, bool]:
    """(status, media type, body, truncated) of one query, with its ``options`` (:func:`_query_options`);
    :data:`TOO_LARGE` past ``max_bytes``."""
    try:
        answer = _run(store, text, results, graphs, limit, max_bytes, options)
    except _TooLarge:
        return TOO_LARGE, "error", b"", False
    if len(answer[2]) > max_bytes:
        return TOO_LARGE, "error", b"", False
    return answer


def _run(store, text: str, results: str, graphs: str, limit: int, max_bytes: int,
         options: dict | None) -> tuple[int, str, bytes, bool]:
    import pyoxigraph as ox

    reason = check(text)
    if reason is not None:
        return 400, "error", reason.encode(), False
    try:
        result = store.query(text, **_query_options(options))
    except SyntaxError as err:
        return 400, "error", f"Requête SPARQL illisible : {err}".encode(), False
    except (OSError, ValueError, RuntimeError) as err:
        return 400, "error", f"Requête refusée : {err}".encode(), False
    if isinstance(result, ox.QueryBoolean):
        body = {"json": json.dumps({"head": {}, "boolean": bool(result)}).encode(),
                "xml": f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                       f"<boolean>{str(bool(result)).lower()}</boolean></sparql>".encode()}.get(results)
        if body is None:
            results = "json"
            body = json.dumps({"head": {}, "boolean": bool(result)}).encode()
        return 200, results, body, False
    if isinstance(result, ox.QuerySolutions):
        body, truncated = _solutions(result, results, limit, max_bytes)
        return 200, results, body, truncated
    triples: list[ox.Triple] = []
    truncated, size = False, 0
    for triple in result:
        if len(triples) == limit:
            truncated = True
            break
        size += _CELL + sum(len(term.value) for term in (triple.subject, triple.predicate, triple.object)
                            if hasattr(term, "value"))
        if size > max_bytes:
            raise _TooLarge
        triples.append(triple)
    return 200, graphs, _graph(triples, graphs), truncated


def _bound(memory_mb: int) -> None:
    import resource

    if memory_mb > 0:
        limit = memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a query that aborts the process leaves no core file
    lower()  # the service's own process first (the service lowered us already when it started us)


def serve(conn, memory_mb: int = 0) -> None:
    """Answer requests (build folder, text, results kind, graph kind, row limit, byte limit, query
    options) until told to stop, within ``memory_mb`` MB of address space (0: unbounded)."""
    _bound(memory_mb)  # before Oxigraph is loaded: it and every query allocate within the bound
    import pyoxigraph as ox

    store, opened = None, None
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        build, text, results, graphs, limit, max_bytes, options = request
        try:
            if opened != build:
                store, opened = ox.Store.read_only(f"{build}/oxigraph"), build
            conn.send(run(store, text, results, graphs, limit, max_bytes, options))
        except MemoryError:  # Python's own allocation past the bound (Oxigraph's ends the process)
            conn.send((OUT_OF_MEMORY, "error", b"", False))
        except Exception as err:  # the service answers 500 with a French message; the worker goes on
            conn.send((500, "error", f"Erreur du point d'accès SPARQL ({type(err).__name__}).".encode(), False))

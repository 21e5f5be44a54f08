"""A large registry file cut into slices, each read, validated and remembered on its own.

A région's file of the national registry holds a thousand instances and 1.5 MB of YAML: after one date
is fixed in it, reading and validating the whole file again was most of the wait. A file of at least
:data:`SLICE_BYTES` whose YAML parses without problem and whose ``instances`` is a list that is not empty is cut,
once parsed, into

* its **head**: the file's own fields (scope, sources, ``synthetic``), its actors and its territories;
* its **instances**, :data:`SLICE_ENTRIES` at a time, numbered from where they stand in the file (a
  problem in the 130th is said to be in ``instances[129]``, as when the file is read whole);
* its **tail**: its inventories and surveys.

Read in that order by the same reader (``registry.read_entries``), the slices say what the whole file
says, in the same order; an id repeated in two slices is found as between two files
(``registry.conflicts``: the registry is then read together). Each slice is remembered by a key made
of the package source and of what it reads (its label, its entries pickled, the file's ``synthetic``
mark: ``store.caches``), so an
edited file pays its parsing and the slices that changed (``ingest.file_verdicts``). An instance
slice is validated with its file's head beside it (the actors and sources its roles and citations
name): its coverages' cards are made there, as a whole file's are.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass

__all__ = ["SLICE_BYTES", "SLICE_ENTRIES", "Slice", "slices_of", "is_head", "file_of", "how_cut"]

#: files smaller than this are read whole: the real registry's largest has 51 kB
SLICE_BYTES = 256 * 1024
#: instances per slice: an edit re-reads about a tenth of a national région's file
SLICE_ENTRIES = 128
_HEAD, _TAIL = "tête", "inventaires"
_HEAD_SECTIONS, _INSTANCES, _TAIL_SECTIONS = ("actors", "territories"), ("instances",), ("inventories", "surveyed")


@dataclass(frozen=True)
class Slice:
    """What ``registry.read_part`` reads of a file as one part (its ``piece``)."""

    label: str
    data: dict
    sections: tuple[str, ...]
    offset: int
    #: the head reads the file-level fields (scope, sources, unknown fields)
    whole: bool

    def identity(self) -> tuple[str, bytes]:
        """What the key its reading is remembered by is made of (``store.caches``): its label and entries."""
        return self.label, pickle.dumps((self.data, self.sections, self.offset, self.whole), protocol=pickle.HIGHEST_PROTOCOL)

    @property
    def piece(self) -> tuple[str, tuple[str, ...], int, bool]:
        return self.label, self.sections, self.offset, self.whole


def how_cut() -> bytes:
    """What decides how files are cut, beside the code: part of the key a file's parts are
    remembered by (a file read whole is not taken for one cut into slices)."""
    return f"{SLICE_BYTES}:{SLICE_ENTRIES}".encode()


def _label(file: str, what: str) -> str:
    return f"{file} ({what})"


def file_of(label: str, files) -> str | None:
    """The file (of ``files``) a part's label names: its own name, or the name of the file it is a slice of."""
    for file in files:
        if label == file or label.startswith(file + " ("):
            return file
    return None


def is_head(label: str, file: str) -> bool:
    return label == _label(file, _HEAD)


def slices_of(file: str, data: object, size: int) -> list[Slice] | None:
    """The slices of a parsed file of ``size`` bytes, or None when it is read whole."""
    if size < SLICE_BYTES or not isinstance(data, dict):
        return None
    instances = data.get("instances")
    if not isinstance(instances, list) or not instances:
        return None
    mark = {"synthetic": data["synthetic"]} if "synthetic" in data else {}
    head = {name: value for name, value in data.items() if name not in _INSTANCES + _TAIL_SECTIONS}
    cut = [Slice(_label(file, _HEAD), head, _HEAD_SECTIONS, 0, True)]
    for start in range(0, len(instances), SLICE_ENTRIES):
        entries = instances[start:start + SLICE_ENTRIES]
        label = _label(file, f"instances {start}-{start + len(entries) - 1}")
        cut.append(Slice(label, {**mark, "instances": entries}, _INSTANCES, start, False))
    tail = {name: data[name] for name in _TAIL_SECTIONS if name in data}
    if tail:
        cut.append(Slice(_label(file, _TAIL), {**mark, **tail}, _TAIL_SECTIONS, 0, False))
    return cut

"""What the public reads names no folder of the machine.

Error messages are written for the CLI's user too, who runs Maillage on their own folders: some name
them (« Aucun graphe construit dans /srv/maillage/var »). Before such a message leaves the service,
every path under the folders the service knows (its settings', the checkout, the temporary folder,
the home folder, the interpreter's) becomes a word: a client learns nothing of where the service runs.
"""

from __future__ import annotations

import re
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from core.settings import PROJECT_ROOT, Settings

__all__ = ["without_paths"]

#: what follows a folder's name: the rest of a path, up to what ends a path in a French message
_REST = r"""(?=/|[\s«»"'`,;:)\]}.]|$)(?:/[^\s«»"'`,;)\]}]*)?"""


@lru_cache(maxsize=8)
def _folders(settings: Settings) -> tuple[re.Pattern[str], list[str]]:
    named = [(settings.data_dir, "le dossier de données"), (settings.registry, "le dossier du registre"),
             (settings.geography, "le paquet de la géographie"), (settings.documents, "le dossier des documents")]
    others = [PROJECT_ROOT, Path(tempfile.gettempdir()), Path.home(), Path(sys.prefix), Path(sys.base_prefix)]
    labels: dict[str, str] = {}
    for folder, label in [*named, *((p, "…") for p in others)]:
        for form in (Path(folder), Path(folder).resolve()):
            text = str(form).rstrip("/")
            if len(text) > 1:
                labels.setdefault(text, label)
    roots = sorted(labels, key=len, reverse=True)  # the deepest folder names a path first
    pattern = "|".join(f"(?P<f{i}>{re.escape(root)}{_REST})" for i, root in enumerate(roots))
    return re.compile(pattern), [labels[root] for root in roots]


def without_paths(text: str, settings: Settings) -> str:
    """``text`` with every path under a known folder replaced by what the folder is."""
    pattern, labels = _folders(settings)
    return pattern.sub(lambda m: labels[int(str(m.lastgroup)[1:])], text)

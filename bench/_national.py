"""The national build a benchmark measures: an existing data folder, or one built in a temporary folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def national_settings(data_dir: Path | None, prefix: str, registry: Path = ROOT / "registry"):
    """(settings, temporary folder or None): the build of ``registry`` in ``data_dir``, or a new one
    built now."""
    from core.settings import Settings
    from ingest.build import build

    tmp = None if data_dir is not None else Path(tempfile.mkdtemp(prefix=prefix))
    settings = Settings.from_env(data_dir=data_dir or tmp / "var", registry=registry.resolve(), backend="embedded")
    if tmp is not None:
        print("Building the national graph in a temporary data folder…", flush=True)
        build(settings)
    return settings, tmp


def parser_for(doc: str):
    """The argument parser of a benchmark that measures the national build (``--data-dir``)."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="an existing data folder with a build (default: build one)")
    parser.add_argument("--registry", type=Path, default=ROOT / "registry",
                        help="the registry that build is of (default: registry/; the synthetic one: <folder>/registry)")
    return parser

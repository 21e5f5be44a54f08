"""The national files a user can obtain: listed with their state and address, fetched from a mirror or
from their address (a local HTTP server started here), the checksum checked, nothing left behind by a
refusal; a build without them says which answers will be missing, and uses them once fetched."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.errors import SourceNotObtained
from core.settings import Settings
from ingest import national_files
from ingest.national_sources import SOURCES, sources

REFERENCE = Settings.from_env().documents / "reference" / "national"
CONTENT = "id_fs,lib_fs,insee_com\n1,France services de Muret,31395\n".encode() * 10000  # 560 kB: several reads


def _settings(tmp_path: Path, **more) -> Settings:
    (tmp_path / "documents").mkdir(exist_ok=True)
    return Settings.from_env(data_dir=tmp_path / "var", documents=tmp_path / "documents",
                             mirror=tmp_path / "miroir", **more)


def _description(folder: Path, content: bytes, download: str | None = None) -> Path:
    """A description of a file holding ``content`` (the France services one, its file, size and digest changed)."""
    text = (SOURCES / "france-services.yaml").read_text(encoding="utf-8")
    text = text.replace("reference/national/france-services-2024-08-01.csv", "reference/national/liste.csv")
    text = text.replace("size: 1174580", f"size: {len(content)}")
    text = text.replace("6eabcb0792c8681af513e65560a7dea08e15d3e72b070a14ca1fed032164efad",
                        hashlib.sha256(content).hexdigest())
    if download:
        text = text.replace("file: ", f"download: {download}\nfile: ", 1)
    folder.mkdir(exist_ok=True)
    (folder / "liste.yaml").write_text(text, encoding="utf-8")
    return folder


def _only(folder: Path):
    described, problems = sources(folder)
    assert problems == [] and len(described) == 1
    return described[0]


def _left(settings: Settings) -> list[str]:
    """Every file of the data folder (a temporary one too)."""
    return sorted(p.name for p in settings.data_dir.rglob("*") if p.is_file())


class _Server(http.server.BaseHTTPRequestHandler):
    """``/good`` the file; ``/other`` as many other bytes; ``/cut`` half the file then the connection
    closed (its announced length whole); ``/large`` a length past the described size; ``/endless`` bytes
    without end and no length; else 404."""

    def do_GET(self):  # noqa: N802 (the standard library's name)
        if self.path == "/cut":
            self.send_response(200)
            self.send_header("Content-Length", str(len(CONTENT)))
            self.end_headers()
            self.wfile.write(CONTENT[: len(CONTENT) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if self.path == "/endless":  # no length announced: more bytes than described, until the client stops
            self.send_response(200)
            self.end_headers()
            try:
                while True:
                    self.wfile.write(CONTENT)
            except OSError:
                return
        body = {"/good": CONTENT, "/other": CONTENT[::-1], "/large": CONTENT + b"x"}.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


class _Quiet(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that stops reading (a refused download) is what the tests ask for


@contextmanager
def _serving():
    server = _Quiet(("127.0.0.1", 0), _Server)
    # polled every 50 ms, not 0.5 s: each test waits that long for the server to stop
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_download_is_checked_then_kept_with_its_progress(tmp_path):
    settings = _settings(tmp_path)
    said: list[str] = []
    with _serving() as address:
        source = _only(_description(tmp_path / "desc", CONTENT, f"{address}/good"))
        assert national_files.locate(source, settings) == (None, None, None)
        state = national_files.fetch(source, settings, said.append)
    assert state.state == national_files.PRESENT and state.path == settings.data_dir / "sources" / "liste.csv"
    assert state.path.read_bytes() == CONTENT and _left(settings) == ["liste.csv"]
    shares = [line for line in said if " % (" in line]
    assert len(shares) >= 3 and f"100 % ({len(CONTENT)} octets sur {len(CONTENT)})" in shares[-1]  # bounded steps, not one per read
    path, digest, problem = national_files.locate(source, settings)  # what the build reads
    assert path == state.path and digest == source.sha256 and problem is None


@pytest.mark.parametrize("route, words", [
    ("/other", "n'est pas celui que décrit ingest/sources/liste.yaml"),
    ("/cut", f"transfert interrompu, {len(CONTENT) // 2} octets reçus de http"),
    ("/large", "annonce 560001 octets, plus que les 560000 décrits"),
    ("/endless", "dépasse les 560000 octets décrits"),
    ("/absent", "répond 404"),
])
def test_a_refused_download_leaves_nothing_behind(tmp_path, route, words):
    settings = _settings(tmp_path)
    with _serving() as address:
        source = _only(_description(tmp_path / "desc", CONTENT, f"{address}{route}"))
        with pytest.raises(SourceNotObtained) as refused:
            national_files.fetch(source, settings)
    assert words in str(refused.value) and "rien n'est gardé" in str(refused.value)
    assert _left(settings) == []
    assert national_files.locate(source, settings) == (None, None, None)


def test_an_unreachable_address_is_said(tmp_path):
    settings = _settings(tmp_path)
    with _serving() as address:
        pass  # the server is gone: its port refuses
    source = _only(_description(tmp_path / "desc", CONTENT, f"{address}/good"))
    with pytest.raises(SourceNotObtained, match="injoignable"):
        national_files.fetch(source, settings)
    assert _left(settings) == []


def test_the_mirror_is_copied_checked_and_a_wrong_copy_refused(tmp_path):
    settings = _settings(tmp_path)
    source = _only(_description(tmp_path / "desc", CONTENT))  # no address: the mirror only
    with pytest.raises(SourceNotObtained, match="aucune adresse de téléchargement"):
        national_files.fetch(source, settings)
    settings.mirror.mkdir()
    (settings.mirror / "liste.csv").write_bytes(CONTENT[:-1] + b"!")
    with pytest.raises(SourceNotObtained, match="SHA-256"):
        national_files.fetch(source, settings)
    assert _left(settings) == []
    (settings.mirror / "liste.csv").write_bytes(CONTENT[:-10])
    with pytest.raises(SourceNotObtained, match="transfert interrompu, 559990 octets reçus du miroir"):
        national_files.fetch(source, settings)
    assert _left(settings) == []
    (settings.mirror / "liste.csv").write_bytes(CONTENT)
    assert national_files.fetch(source, settings).state == national_files.PRESENT
    assert (settings.data_dir / "sources" / "liste.csv").read_bytes() == CONTENT


def test_a_different_file_is_said_and_is_a_problem_for_the_build(tmp_path):
    settings = _settings(tmp_path)
    source = _only(_description(tmp_path / "desc", CONTENT))
    (settings.documents / "reference" / "national").mkdir(parents=True)
    (settings.documents / "reference" / "national" / "liste.csv").write_bytes(b"autre chose")
    state = national_files.states(settings, tmp_path / "desc")[0][0]
    assert state.state == national_files.DIFFERENT == "somme de contrôle différente"
    _, _, problem = national_files.locate(source, settings)
    assert problem is not None and problem.rule == "empreinte-source" and "maillage sources fetch" in problem.message


def test_the_build_says_which_answers_will_be_missing():
    for source in sources()[0]:
        line = national_files.missing_line(source)
        assert line.startswith(f"  sièges {source.source} : fichier absent") and "\n" not in line
        assert all(answer in line for answer in source.answers) and "maillage sources fetch" in line


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **settings.environment()}
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, env=env, timeout=120)


def test_a_clone_without_the_reference_folder_lists_every_file_absent_with_its_address(tmp_path):
    settings = _settings(tmp_path)
    done = _cli(settings, "sources")
    assert done.returncode == 0, done.stderr
    described = sources()[0]
    assert done.stdout.count("état : absent") == len(described) == 2
    for source in described:
        assert f"■ {source.name} — " in done.stdout and (source.download or source.url) in done.stdout
        assert all(answer in done.stdout for answer in source.answers)
    assert f"0 fichier(s) présent(s) sur {len(described)}" in done.stdout
    listed = json.loads(_cli(settings, "sources", "--json").stdout)
    assert [(f["name"], f["state"], f["path"], f["sha256"]) for f in listed] == [
        (s.name, "absent", None, s.sha256) for s in described]
    refused = _cli(settings, "sources", "fetch")  # an empty mirror, and no address for these files
    assert refused.returncode == 2 and "non obtenu" in refused.stderr and "Traceback" not in refused.stderr
    assert _cli(settings, "sources", "fetch", "inconnue").stderr.startswith("Erreur : Source(s) nationale(s) inconnue(s)")


@pytest.mark.integration
@pytest.mark.skipif(not REFERENCE.is_dir(), reason="the shared documents hold the national files")
def test_fetch_from_the_mirror_then_the_next_build_uses_them(tmp_path, registry_copy):
    from core.settings import PROJECT_ROOT
    from ingest.build import check

    small = registry_copy(tmp_path / "copie", sorted((PROJECT_ROOT / "tests" / "resources" / "registry-small").glob("*")))
    assert not (small.documents / "reference" / "national").exists()  # only what the registry cites
    mirror = tmp_path / "miroir"
    shutil.copytree(REFERENCE, mirror)
    settings = Settings.from_env(**{**{k: getattr(small, k) for k in ("data_dir", "registry", "documents", "geography")},
                                    "mirror": mirror})
    before: list[str] = []
    check(settings, before.append, parallel=False)
    assert [line for line in before if "fichier absent" in line and "sans lui, pas de" in line] != []

    done = _cli(settings, "sources", "fetch")
    assert done.returncode == 0, done.stderr
    listed = _cli(settings, "sources").stdout
    assert listed.count("état : présent") == 2 and str(settings.data_dir / "sources") in listed

    after: list[str] = []
    check(settings, after.append, parallel=False)
    assert not [line for line in after if "fichier absent" in line]
    read = [line for line in after if line.startswith("  sièges ") and " lignes " in line]
    assert len(read) == 2 and any("sur 1\u202f753 lignes" in line for line in read), read

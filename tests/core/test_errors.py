"""Every error Maillage raises on purpose lives in ``core/errors.py`` and declares, in its own body, its
HTTP status and its CLI exit status; the API and the CLI answer with what the error declares."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from package_code import nodes

from core import errors
from core.errors import MaillageError


#: what each error meant to the API and the CLI before the errors declared it themselves (api/app.py's
#: table, the CLI's ladder): a planner's client or script sees the same numbers
BEFORE = {
    "MaillageError": (500, 2), "InvalidQuery": (422, 2), "NotFound": (404, 2), "StoreMissing": (503, 2),
    "BuildBusy": (409, 2), "OutlinesMissing": (503, 2), "QueryRefused": (400, 2), "QueryTimeout": (503, 2),
    "PlaceNotFound": (404, 3), "AmbiguousPlace": (300, 3), "RegistryInvalid": (422, 1), "ProposalProblems": (422, 1),
    "ProposalInvalid": (422, 2), "PersonalData": (422, 2), "ProposalTooLarge": (413, 2), "ProposalsFull": (503, 2),
    "AlreadyDecided": (409, 2), "RateLimited": (429, 2), "Unauthorized": (401, 2), "Forbidden": (403, 2),
    "UploadRefused": (422, 2), "ValidationsBusy": (429, 2), "DiskFull": (507, 2),
}


def _error_classes() -> list[type[MaillageError]]:
    return [cls for _, cls in inspect.getmembers(errors, inspect.isclass)
            if issubclass(cls, MaillageError) and cls.__module__ == errors.__name__]


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda cls: cls.__name__)
def test_every_error_class_declares_its_status_and_exit_code(cls):
    assert "status" in vars(cls) and "exit_code" in vars(cls), f"{cls.__name__} must declare status and exit_code"
    assert 300 <= cls.status <= 599 and cls.exit_code in (1, 2, 3)


def test_statuses_and_exit_codes_are_those_the_doors_used_to_give():
    declared = {cls.__name__: (cls.status, cls.exit_code) for cls in _error_classes()}
    assert {name: declared.get(name) for name in BEFORE} == BEFORE
    # new since: a broken description of a national source, a setting of the wrong kind (faults of the installation)
    assert declared["SourceInvalid"] == declared["SettingInvalid"] == (500, 2)
    assert declared["InvalidDate"] == declared["InvalidQuery"]  # a date of a question was an InvalidQuery


def test_no_error_class_is_declared_outside_core_errors():
    """Read without running: a class whose base is one of Maillage's errors, in any module of any room."""
    names = {cls.__name__ for cls in _error_classes()}
    elsewhere = []
    for where, node in nodes(skip=Path(errors.__file__)):
        if isinstance(node, ast.ClassDef):
            bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
            if bases & names:
                elsewhere.append(f"{where} {node.name}")
    assert elsewhere == []


def test_the_cli_exits_with_the_status_the_error_declares(monkeypatch, capsys):
    import cli

    class Stop(Exception):
        pass

    def exit_(code):
        raise Stop(code)

    for cls, error in ((errors.RegistryInvalid, errors.RegistryInvalid([])), (errors.NotFound, errors.NotFound("x")),
                       (errors.PlaceNotFound, errors.PlaceNotFound("Murett", []))):
        def raising(*args, error=error, **kwargs):
            raise error

        monkeypatch.setattr(cli.cli, "main", raising)
        monkeypatch.setattr(cli.sys, "exit", exit_)
        with pytest.raises(Stop) as stopped:
            cli.main()
        assert stopped.value.args == (cls.exit_code,)
    said = capsys.readouterr().err
    assert "Registre refusé : 0 problème(s)" in said and "Erreur : x" in said
    assert "Aucune commune ne s'appelle « Murett »." in said and "Erreur : Aucune" not in said

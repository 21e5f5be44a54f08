"""orjson's bytes for a typed answer are the bytes the standard JSONResponse writes for its plain form."""

from __future__ import annotations

import pytest
from fastapi.responses import JSONResponse

from core import jsonable
from analysis.ask import gaps_in, overlaps_in
from api.answer import Answer
from queries.coverage import who_covers

pytestmark = pytest.mark.equivalence


def test_answers_encode_as_the_standard_library_would(backend):
    answers = [who_covers(backend, code, ages, on="2024-06-01") for code, ages in
               (("31395", "0-12"), ("48061", None), ("31483", "13-17"), ("2A004", None))]
    answers += [gaps_in(backend, "departement:48", type="CPTS"), overlaps_in(backend, "territoire:comminges")]
    for answer in answers:
        assert Answer(answer).body == JSONResponse(jsonable.plain(answer)).body
    assert b"\\u00" not in Answer(answers[0]).body  # accents written as UTF-8, like ensure_ascii=False

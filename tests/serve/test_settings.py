"""The server's knobs refuse values it cannot run with, in one sentence."""

from __future__ import annotations

import pytest

from citybrand_kg.errors import UsageError
from citybrand_kg.serve.settings import ServerSettings


@pytest.mark.parametrize("timeout", [0.0, -1.0, float("nan")])
def test_the_timeout_is_a_positive_number_of_seconds(timeout: float) -> None:
    with pytest.raises(UsageError, match="positive number of seconds"):
        ServerSettings(timeout=timeout)


@pytest.mark.parametrize("timeout", [0.01, 86_400.0, float("inf")])
def test_any_positive_timeout_is_accepted_inf_meaning_none(timeout: float) -> None:
    assert ServerSettings(timeout=timeout).timeout == timeout


@pytest.mark.parametrize("field", ["max_rows", "workers"])
def test_rows_and_workers_are_at_least_one(field: str) -> None:
    with pytest.raises(UsageError, match="at least 1"):
        ServerSettings(**{field: 0})  # type: ignore[arg-type]


def test_writes_need_a_token() -> None:
    with pytest.raises(UsageError, match="bearer token"):
        ServerSettings(allow_update=True)
    assert ServerSettings(allow_update=True, token="secret").allow_update


def test_origins_are_a_comma_separated_list() -> None:
    assert ServerSettings(cors_origins=" https://a.example , ,https://b.example").origins == [
        "https://a.example",
        "https://b.example",
    ]
    assert ServerSettings(cors_origins="").origins == []

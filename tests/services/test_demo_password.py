"""Demo passwords are random and never refused by the password rule, even on an unlucky draw."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from dorsi.services import demo
from dorsi.services.passwords import password_problem


def test_an_all_digit_draw_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    draws: Iterator[str] = iter(["4821093376150042", "4821093376150a42"])
    monkeypatch.setattr(secrets, "token_hex", lambda _n: next(draws))
    # the rule reads "demo-4821093376150042" without its end digits: "demo", a common password
    assert password_problem("demo-4821093376150042", role="clinician") is not None
    assert demo.demo_password() == "demo-4821093376150a42"


@pytest.mark.parametrize("role", ["clinician", "patient", "admin"])
def test_demo_passwords_pass_the_rule(role: str) -> None:
    for _ in range(200):
        assert password_problem(demo.demo_password(), role=role) is None

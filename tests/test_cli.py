"""The command line as a user meets it."""

from tests.conftest import run_dorsi


def test_help_lists_the_commands() -> None:
    result = run_dorsi("--help")
    assert result.code == 0
    for name in ("screen", "plan", "progress", "outlook", "cost", "exercises"):
        assert name in result.stdout


def test_unknown_command_is_one_line_and_exit_2() -> None:
    result = run_dorsi("frobnicate")
    assert result.code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "frobnicate" in result.stderr

"""The `opswizard` group imports a command module only when its command is run or listed."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from opswizard.cli import main
from opswizard.commands import _module_names


def _loaded_after(statement: str) -> set[str]:
    code = (f"import sys; import opswizard.cli as cli; {statement}; "
            "print('\\n'.join(m for m in sys.modules if m.startswith('opswizard.commands.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300)
    return set(out.stdout.split())


def test_starting_imports_no_command_module() -> None:
    assert _loaded_after("pass") == {"opswizard.commands._shared"}


def test_running_a_command_imports_its_module_only() -> None:
    loaded = _loaded_after("cli.main.get_command(None, 'import')")
    assert loaded == {"opswizard.commands._shared", "opswizard.commands.import_cmd"}


def test_listing_the_commands_imports_them_all() -> None:
    loaded = _loaded_after("cli.main.list_commands(None)")
    assert {f"opswizard.commands.{name}" for name in _module_names().values()} <= loaded


@pytest.mark.parametrize("name", sorted(_module_names()))
def test_every_command_module_is_a_command_of_the_group(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert isinstance(command, click.Command) and command.name == name
    assert main.commands[name] is command


def test_an_unknown_command_is_none_and_every_command_is_listed() -> None:
    assert main.get_command(click.Context(main), "no-such-command") is None
    assert set(_module_names()) | {"browse", "list", "validate"} <= set(main.commands)

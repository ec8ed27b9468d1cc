"""Commands that live in their own module.

Every module in this package that defines a module-level ``command`` (a ``click.Command``)
is a command of the ``opswizard`` group (:class:`CommandGroup`), named by the command
(``command.name``). A module is imported only when its command is run, or when every
command is asked for (``--help``, a mistyped command's suggestions, ``group.commands``):
``opswizard browse`` imports none of them. The group finds a command's module by the
command's name (``import`` lives in ``import_cmd.py``: a trailing ``_cmd`` is dropped);
a module whose command is named otherwise is still found, by importing them all.
Keep module-level imports light (click and the core only); heavy dependencies (an SDK,
Textual) are imported inside the command's function.
"""

from __future__ import annotations

import importlib
from collections.abc import MutableMapping
from typing import Any

import click


def _module_names() -> dict[str, str]:
    """Command name (as the module's name suggests it) -> module name, nothing imported."""
    import pkgutil  # here: `opswizard browse` finds `browse` in the group and never asks

    return {info.name.removesuffix("_cmd"): info.name
            for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")}


def _command_of(module_name: str) -> click.Command | None:
    module = importlib.import_module(f"{__name__}.{module_name}")
    command = getattr(module, "command", None)
    return command if isinstance(command, click.Command) else None


def register(group: click.Group) -> None:
    """Add each ``command`` found in this package's modules to ``group``, by module name order."""
    for _name, module_name in sorted(_module_names().items(), key=lambda item: item[1]):
        command = _command_of(module_name)
        if command is not None:
            group.add_command(command)


class CommandGroup(click.Group):
    """A click group that imports this package's command modules when they are needed.

    ``get_command(ctx, name)`` (what running a command asks) imports that command's module
    only; ``commands`` (help, suggestions, ``list_commands``) has them all, imported on
    first use, so the help and every error read as if they had been imported at start."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._all_loaded = False
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> MutableMapping[str, click.Command]:
        """Every command, the command modules' included (they are imported here)."""
        if not self._all_loaded:
            self._all_loaded = True
            register(self)
        return self._commands

    @commands.setter
    def commands(self, value: MutableMapping[str, click.Command]) -> None:
        self._commands = value

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        """Register ``cmd`` (the group is not chained: no nested-chain check is needed)."""
        name = name or cmd.name
        if name is None:
            raise TypeError("Command has no name.")
        self._commands[name] = cmd

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command called ``cmd_name``, importing its module (only) if need be."""
        found = self._commands.get(cmd_name)
        if found is not None or self._all_loaded:
            return found
        module_name = _module_names().get(cmd_name)
        command = _command_of(module_name) if module_name is not None else None
        if command is not None and command.name == cmd_name:
            self.add_command(command)
            return command
        return self.commands.get(cmd_name)  # named otherwise: look through them all

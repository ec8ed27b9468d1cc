"""Commands that live in their own module.

Every module in this package that defines a module-level ``command`` (a ``click.Command``)
is added to the ``opswizard`` group by :func:`register`. Keep module-level imports light
(click and the core only): every ``opswizard`` run imports these modules to list them.
Heavy dependencies (an SDK, Textual) are imported inside the command's function.
"""

from __future__ import annotations

import importlib
import pkgutil

import click


def register(group: click.Group) -> None:
    """Add each ``command`` found in this package's modules to ``group``, by module name order."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        command = getattr(module, "command", None)
        if isinstance(command, click.Command):
            group.add_command(command)

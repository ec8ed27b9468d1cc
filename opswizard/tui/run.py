"""Entry points the CLI calls; importing this module is what loads Textual."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any


def _run(app: Any) -> int:
    """Run the app; on SIGHUP/SIGTERM journal unsaved text first; say where it went."""

    def stop(signum: int, frame: object) -> None:
        app.flush_journals()
        app.exit(return_code=128 + signum)

    previous = {}
    for sig in (signal.SIGHUP, signal.SIGTERM):
        try:
            previous[sig] = signal.signal(sig, stop)
        except (ValueError, OSError):  # not the main thread
            pass
    try:
        app.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if app.journals_flushed:
        where = ", ".join(str(p) for p in app.journals_flushed)
        print(f"opswizard: your unsaved text is kept in {where}; run opswizard again in this "
              "knowledge base to recover it.", file=sys.stderr)
    return int(app.return_code or 0)


def run_browser(root: Path) -> int:
    from .app import OpsWizardApp

    return _run(OpsWizardApp(root, mode="browse"))


def run_wizard(root: Path, path: Path | None = None, prefill: dict[str, str] | None = None) -> int:
    from .app import OpsWizardApp

    return _run(OpsWizardApp(root, mode="edit" if path else "new", path=path,
                             prefill=prefill or {}))

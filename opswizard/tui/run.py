"""Entry points the CLI calls; importing this module is what loads Textual."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any


def _run(app: Any) -> int:
    """Run the app so that it always ends: on SIGHUP, SIGTERM, SIGINT or a closed terminal
    it journals unsaved text, releases its locks and is gone within about a second
    (`shutdown`); a normal exit does not wait for worker threads either."""
    from . import shutdown
    from .driver import HangupDriver

    if sys.platform != "win32" and app.driver_class.__name__ == "LinuxDriver":
        app.driver_class = HangupDriver
    stopping = shutdown.Shutdown(app)
    stopping.install()
    # Everything imported so far lives as long as the process: moved out of the collector's
    # sight, the first full collection (during the first frame) no longer walks it all.
    gc.freeze()
    try:
        app.run()
    finally:
        stopping.uninstall()
    code = int(app.return_code or 0)
    if stopping.reason is not None:
        stopping.finish()  # does not return
    if app.journals_flushed:
        where = ", ".join(str(p) for p in app.journals_flushed)
        shutdown.say(f"opswizard: your unsaved text is kept in {where}; run opswizard again "
                     "in this knowledge base to recover it.")
    shutdown.exit_watchdog(code)
    return code


def run_browser(root: Path) -> int:
    from .app import OpsWizardApp

    return _run(OpsWizardApp(root, mode="browse"))


def run_wizard(root: Path, path: Path | None = None, prefill: dict[str, str] | None = None) -> int:
    from .app import OpsWizardApp

    return _run(OpsWizardApp(root, mode="edit" if path else "new", path=path,
                             prefill=prefill or {}))

"""Entry points the CLI calls; importing this module is what loads Textual."""

from __future__ import annotations

from pathlib import Path


def run_browser(root: Path) -> int:
    from .app import OpsWizardApp

    app = OpsWizardApp(root, mode="browse")
    app.run()
    return app.return_code or 0


def run_wizard(root: Path, path: Path | None = None, prefill: dict[str, str] | None = None) -> int:
    from .app import OpsWizardApp

    app = OpsWizardApp(root, mode="edit" if path else "new", path=path, prefill=prefill or {})
    app.run()
    return app.return_code or 0

"""The core imports no Textual, and headless commands do not pay for it."""

import subprocess
import sys


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_core_does_not_import_textual() -> None:
    modules = _modules_after(
        "import opswizard.core.parse, opswizard.core.render, opswizard.core.store, "
        "opswizard.core.checklist, opswizard.core.checks, opswizard.core.views"
    )
    assert "opswizard.core.parse" in modules
    assert not any(m == "textual" or m.startswith("textual.") for m in modules)


def test_cli_module_does_not_import_textual() -> None:
    modules = _modules_after("import opswizard.cli")
    assert "click" in modules
    assert "textual" not in modules

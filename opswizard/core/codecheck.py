"""Code blocks that parse: a fenced block is checked by its language.

json (the standard library's parser), yaml (PyYAML's safe parser, event by event: nothing
is built, so anchors cannot blow up, with the frontmatter's size and nesting limits), toml
(tomllib), python (`ast.parse`, after removing a common indent), bash and sh (`bash -n`,
which reads and never runs; skipped with a note where bash is not installed). Other
languages are not checked.

The template's Configuration and Code Changes blocks hold two halves, each after a marker
line `Before:` / `After:` in whatever comment syntax (`# Before:`, `// After: batched`,
`-- Before:`, `<!-- After: -->`): each half is checked on its own, the marker lines left
out, and a problem's line is counted in the whole block.
"""

from __future__ import annotations

import ast
import functools
import json
import re
import shutil
import subprocess
import textwrap
import tomllib
from dataclasses import dataclass

from .findings import Finding, Where

MAX_BLOCK_BYTES = 64 * 1024  # as frontmatter
MAX_DEPTH = 64  # nesting of YAML collections, as frontmatter
BASH_TIMEOUT = 10.0  # s: `bash -n` on a huge block

_LANGS = {
    "json": "json",
    "yaml": "yaml", "yml": "yaml",
    "toml": "toml",
    "python": "python", "py": "python", "python3": "python",
    "bash": "bash", "sh": "bash", "shell": "bash",
}
# A Before:/After: marker line: optional comment opener, the word, a colon, anything after.
_MARKER = re.compile(
    r"^\s*(?:#+|//+|--|;+|%|/\*+|\*|<!--|rem\b|')?\s*(before|after)\s*:.*$", re.I)
_FENCE_OPEN = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")


@dataclass(frozen=True)
class CodeProblem:
    """Why a block does not parse: `line` is 1-based in the block's code (0: the whole
    block), `half` is "Before", "After" or ""; `skipped` is a note, not a problem."""

    language: str
    line: int
    message: str
    half: str = ""
    skipped: bool = False
    line_in_half: int = 0

    def describe_in_half(self) -> str:
        """As `describe`, the line counted in its half ("json, After, line 2: ...")."""
        if not self.half:
            return self.describe()
        at = f", line {self.line_in_half}" if self.line_in_half else ""
        return f"{self.language}, {self.half}{at}: {self.message}"

    def describe(self) -> str:
        """One line for people: "json, After half, line 4: Expecting ',' delimiter"."""
        where = f", {self.half} half" if self.half else ""
        at = f", line {self.line}" if self.line else ""
        return f"{self.language}{where}{at}: {self.message}"


def language_of(info: str) -> str | None:
    """The checked language a fence's info string names (`py title="x"` -> python), or None."""
    word = info.strip().split(maxsplit=1)[0].lower() if info.strip() else ""
    word = word.strip("{}.")
    return _LANGS.get(word)


def halves(code: str) -> list[tuple[str, int, str]]:
    """(half name, first line in the block, text) for each part of a block: "" for a block
    without markers (or what precedes the first marker), else "Before"/"After"."""
    lines = code.split("\n")
    parts: list[tuple[str, int, list[str]]] = [("", 1, [])]
    for number, line in enumerate(lines, 1):
        m = _MARKER.match(line)
        if m and len(line) < 200:
            parts.append((m.group(1).capitalize(), number + 1, []))
        else:
            parts[-1][2].append(line)
    return [(name, first, "\n".join(body)) for name, first, body in parts
            if name or "\n".join(body).strip()]


# Languages checked by running a program: too slow for every keystroke on a UI thread.
_PROGRAMS = {"bash"}
_KNOWN: dict[tuple[str, str], CodeProblem | None] = {}


def quick(info: str, code: str) -> CodeProblem | None:
    """As `check`, for a UI thread on every change: the in-process parsers run, a block
    checked by a program (bash) only has an answer once `check` has run on it (in a
    worker); until then it counts as fine."""
    if language_of(info) in _PROGRAMS:
        return _KNOWN.get((info, code))
    return _check(info, code)


def check(info: str, code: str) -> CodeProblem | None:
    """The first problem with a block of `code` fenced as `info`, or None (also for
    languages not checked). Cached."""
    result = _check(info, code)
    if len(_KNOWN) > 512:
        _KNOWN.clear()
    _KNOWN[(info, code)] = result
    return result


@functools.lru_cache(maxsize=512)
def _check(info: str, code: str) -> CodeProblem | None:
    language = language_of(info)
    if language is None or not code.strip():
        return None
    if len(code.encode("utf-8", "surrogatepass")) > MAX_BLOCK_BYTES:
        return CodeProblem(language, 0, f"block is over {MAX_BLOCK_BYTES // 1024} KiB: not checked",
                           skipped=True)
    for half, first, text in halves(code):
        if not text.strip():
            continue
        problem = _CHECKERS[language](text)
        if problem is not None:
            line, message, skipped = problem
            return CodeProblem(language, first + line - 1 if line else 0, message, half,
                               skipped, line if half else 0)
    return None


# Each checker: text -> None, or (1-based line in text or 0, message, skipped).
_Result = tuple[int, str, bool] | None


def _json(text: str) -> _Result:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc.lineno, exc.msg, False
    except RecursionError:
        return 0, "nested too deeply", False
    return None


def _yaml(text: str) -> _Result:
    import yaml

    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else 0
                    return line, "nested too deeply", False
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return (mark.line + 1 if mark else 0), str(exc.problem or exc.context), False
    except yaml.YAMLError as exc:
        return 0, str(exc), False
    except RecursionError:
        return 0, "nested too deeply", False
    return None


_TOML_AT = re.compile(r"\s*\(at line (\d+), column \d+\)$|\s*\(at end of document\)$")


def _toml(text: str) -> _Result:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _TOML_AT.search(message)
        line = int(m.group(1)) if m and m.group(1) else len(text.split("\n"))
        return line, _TOML_AT.sub("", message), False
    except RecursionError:
        return 0, "nested too deeply", False
    return None


def _python(text: str) -> _Result:
    try:
        ast.parse(textwrap.dedent(text))
    except SyntaxError as exc:
        return exc.lineno or 0, exc.msg, False
    except (ValueError, RecursionError, MemoryError) as exc:
        return 0, str(exc) or "cannot be parsed", False
    return None


_BASH_LINE = re.compile(r"line (\d+): (.*)")


def _bash(text: str) -> _Result:
    bash = shutil.which("bash")
    if bash is None:
        return 0, "not checked: bash is not installed here", True
    try:
        done = subprocess.run([bash, "-n"], input=text, capture_output=True, text=True,
                              timeout=BASH_TIMEOUT, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},
                              errors="replace")
    except subprocess.TimeoutExpired:
        return 0, "not checked: bash -n took too long", True
    except OSError as exc:
        return 0, f"not checked: cannot run bash ({exc.strerror})", True
    if done.returncode == 0:
        return None
    for raw in done.stderr.splitlines():
        m = _BASH_LINE.search(raw)
        if m:
            return int(m.group(1)), m.group(2).strip(), False
    return 0, (done.stderr.strip().splitlines() or ["syntax error"])[0], False


_CHECKERS = {"json": _json, "yaml": _yaml, "toml": _toml, "python": _python, "bash": _bash}


def blocks_in(text: str) -> list[tuple[int, str, str]]:
    """(line of the opening fence, info string, code) of each fenced block in a file's
    text, lines counted from 1."""
    out: list[tuple[int, str, str]] = []
    marker = ""
    opened = 0
    info = ""
    code: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        if marker:
            stripped = line.strip()
            if stripped and set(stripped) == {marker[0]} and len(stripped) >= len(marker):
                out.append((opened, info, "\n".join(code)))
                marker = ""
            else:
                code.append(line)
            continue
        content = re.sub(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+", "", line)
        m = _FENCE_OPEN.match(content)
        if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            marker, opened, info, code = m.group(2), number, m.group(3).strip(), []
    return out


def findings_for(text: str) -> list[Finding]:
    """Blocks that do not parse, as `validate` warnings at the block's opening line, the
    parser's line (in the block and in the file) in the message."""
    found: list[Finding] = []
    for opened, info, code in blocks_in(text):
        problem = check(info, code)
        if problem is None or problem.skipped:
            continue
        if problem.line:
            where = f"line {problem.line} of the block (line {opened + problem.line} of the file)"
        else:
            where = "the block"
        half = f" ({problem.half} half)" if problem.half else ""
        found.append(Finding("warning", f"{problem.language} block{half} does not parse: "
                                        f"{where}: {problem.message}",
                             opened, Where.code(opened)))
    return found

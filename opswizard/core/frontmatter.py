"""YAML frontmatter: split, checked before anything walks it, and written back.

The YAML is *composed* (a node tree), never constructed: no Python object is
made from it, `NO` stays the string `NO` and `1.10` stays `1.10`. Before that,
the size is capped, and an event scan refuses anchors and aliases (an alias
bomb), so nothing can expand. Known keys are read from scalar nodes as text;
every other key is kept as the exact YAML text it had, in order.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import frontmatter as _pyfm
import yaml

try:  # the C loader when PyYAML was built with libyaml
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader

MAX_FRONTMATTER = 64 * 1024
MAX_DEPTH = 64  # nesting of YAML collections
KNOWN_KEYS = ("opswizard", "id", "status", "tags", "checklist_override")
_BOUNDARY = _pyfm.YAMLHandler.FM_BOUNDARY  # ^-{3,}\s*$, the same fence python-frontmatter uses
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "binary")
}


class FrontmatterError(ValueError):
    """The frontmatter cannot be used; `line` is 1-based in the file."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Frontmatter:
    """What the frontmatter said: known keys as text, others verbatim."""

    values: dict[str, str | list[str]] = field(default_factory=dict)
    extra: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)


def split(text: str) -> tuple[str | None, str, int]:
    """Split LF text into (frontmatter or None, body, line number where the body starts).

    Raises FrontmatterError for an opening fence that is never closed.
    """
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if not _BOUNDARY.fullmatch(first) or first.strip() != "---":
        return None, text, 1
    pos = first_end + 1
    line_no = 2
    while pos <= len(text) and first_end >= 0:
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        if line.rstrip() in ("---", "..."):
            body_start = len(text) if end < 0 else end + 1
            return text[first_end + 1 : pos], text[body_start:], line_no + 1
        if end < 0:
            break
        pos = end + 1
        line_no += 1
    raise FrontmatterError("frontmatter opened with '---' is never closed", 1)


def _flow_depth(source: str) -> int:
    """The deepest nesting of flow brackets (`[`, `{`) outside quotes and comments."""
    depth = deepest = 0
    quote = ""
    for line in source.splitlines():
        for ch in line:
            if quote:
                if ch == quote:
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch == "#":
                break
            elif ch in "[{":
                depth += 1
                deepest = max(deepest, depth)
            elif ch in "]}":
                depth = max(depth - 1, 0)
    return deepest


def _check_events(source: str, base_line: int) -> None:
    depth = 0
    for event in yaml.parse(source, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = base_line + event.start_mark.line
            raise FrontmatterError("YAML anchors and aliases are not allowed in frontmatter", line)
        # libyaml's composer recurses in C: ~30,000 nested `[` overflow the C stack (a
        # segfault, not a RecursionError), so the depth is refused before composing.
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise FrontmatterError("frontmatter is nested too deeply",
                                       base_line + event.start_mark.line)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def _walk(node: yaml.Node, base_line: int, depth: int = 0) -> None:
    """Refuse non-standard tags and duplicate keys anywhere in the tree."""
    if depth > MAX_DEPTH:
        raise FrontmatterError("frontmatter is nested too deeply", base_line)
    if node.tag not in _STANDARD_TAGS:
        raise FrontmatterError(
            f"YAML tag {node.tag!r} is not allowed", base_line + node.start_mark.line
        )
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                raise FrontmatterError(
                    f"duplicate key {name!r} in frontmatter", base_line + key.start_mark.line
                )
            seen.add(name)
            _walk(key, base_line, depth + 1)
            _walk(value, base_line, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _walk(child, base_line, depth + 1)


def _scalar_text(node: yaml.Node) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def load(source: str, base_line: int = 2) -> Frontmatter:
    """Check and read frontmatter text (without its `---` fences)."""
    if len(source.encode("utf-8", "surrogatepass")) > MAX_FRONTMATTER:
        raise FrontmatterError(f"frontmatter is over {MAX_FRONTMATTER // 1024} KiB", 1)
    simple = _load_simple(source)
    return simple if simple is not None else load_yaml(source, base_line)


def load_yaml(source: str, base_line: int = 2) -> Frontmatter:
    """`load` through PyYAML, whatever the shape (what the simple reader must agree with)."""
    try:
        _check_events(source, base_line)
        root = yaml.compose(source, Loader=_Loader)
    except FrontmatterError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = base_line + (mark.line if mark else 0)
        if _flow_depth(source) > MAX_DEPTH:
            # PyYAML >= 6.0.4 refuses deep flow nesting in its scanner, before our event
            # check sees it: say the same thing whichever version refused it.
            raise FrontmatterError("frontmatter is nested too deeply", line) from None
        raise FrontmatterError(f"frontmatter is not valid YAML: {exc.problem}", line) from None
    except yaml.YAMLError as exc:
        raise FrontmatterError(f"frontmatter is not valid YAML: {exc}", base_line) from None
    except RecursionError:
        raise FrontmatterError("frontmatter is nested too deeply", base_line) from None
    result = Frontmatter()
    if root is None:
        return result
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        raise FrontmatterError(f"frontmatter is {kind}, expected 'key: value' lines", base_line)
    _walk(root, base_line)
    pairs = root.value
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for raw_line in lines:
        offsets.append(offsets[-1] + len(raw_line))
    for index, (key, value) in enumerate(pairs):
        name = str(key.value)
        if name in KNOWN_KEYS:
            _read_known(result, name, value, base_line)
            continue
        start = offsets[key.start_mark.line]
        end = (
            offsets[pairs[index + 1][0].start_mark.line] if index + 1 < len(pairs) else len(source)
        )
        raw = source[start:end]
        if not raw.endswith("\n"):
            raw += "\n"
        result.extra.append((name, raw))
    return result


# The frontmatter opswizard writes, and most hand-written ones: `key: word words` lines and
# `key:` followed by `  - word` lines, printable ASCII only. Read without PyYAML, to the
# same result as composing it (a plain scalar's node value is its text as written: nothing
# here can be an anchor, an alias, a tag, a quote, a comment or a flow collection, except
# `tags: []`); anything else goes to the YAML path. See tests/test_summary_fastpath.py.
_SIMPLE_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: ([A-Za-z0-9][A-Za-z0-9._/+-]*"
                         r"(?: [A-Za-z0-9._/+-]+)*)| \[\])?\n")
_SIMPLE_ITEM = re.compile(r"  - ([A-Za-z0-9][A-Za-z0-9._/+-]*(?: [A-Za-z0-9._/+-]+)*)\n")
_SIMPLE_TEXT = re.compile(r"[\x20-\x7e\n]*")


def _load_simple(source: str) -> Frontmatter | None:
    """The frontmatter read without PyYAML when it has the simple shape, else None."""
    if not source.endswith("\n") or not _SIMPLE_TEXT.fullmatch(source):
        return None
    lines = source.splitlines(keepends=True)
    result = Frontmatter()
    seen: set[str] = set()
    at = 0
    if max(map(len, lines), default=0) > 1000:  # YAML caps an implicit key at 1024
        return None
    while at < len(lines):
        key = _SIMPLE_KEY.fullmatch(lines[at])
        if key is None:
            return None
        name, value = key.group(1), key.group(2)
        if name in seen:
            return None
        seen.add(name)
        end = at + 1
        items: list[str] = []
        while end < len(lines) and (item := _SIMPLE_ITEM.fullmatch(lines[end])):
            items.append(item.group(1))
            end += 1
        flow = value is None and lines[at].endswith(": []\n")
        if items and (value is not None or flow):
            return None  # `key: value` then `  - x`: not YAML
        if name in KNOWN_KEYS:
            if name == "tags":
                result.values["tags"] = items if items or flow else (
                    [t.strip() for t in (value or "").split(",") if t.strip()])
            elif items or flow:
                return None  # a list where one value belongs: the YAML path says so
            else:
                result.values[name] = value or ""
        else:
            result.extra.append((name, "".join(lines[at:end])))
        at = end
    return result


def _read_known(result: Frontmatter, name: str, node: yaml.Node, base_line: int) -> None:
    line = base_line + node.start_mark.line
    if name == "tags":
        if isinstance(node, yaml.SequenceNode):
            tags = [_scalar_text(child) for child in node.value]
            result.values["tags"] = [t for t in tags if t]
            if any(t is None for t in tags):
                result.warnings.append((line, "tags: nested values ignored"))
        elif isinstance(node, yaml.ScalarNode):
            result.values["tags"] = [t.strip() for t in str(node.value).split(",") if t.strip()]
        else:
            result.warnings.append((line, "tags should be a list"))
        return
    text = _scalar_text(node)
    if text is None:
        result.warnings.append((line, f"{name} should be a single value"))
        return
    result.values[name] = text


# -- writing -----------------------------------------------------------------------------
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/@+()-]*$")
_YAML_SPECIAL = re.compile(
    r"^(y|yes|n|no|true|false|on|off|null|~|[-+]?(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?|\.inf|\.nan"
    r"|\d+:\d+.*|\d{4}-\d{2}-\d{2}.*)$",
    re.IGNORECASE,
)


# What YAML refuses in a stream (DEL, C1 controls, U+FFFE...) or reads as a line break.
_UNSAFE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def scalar(value: str) -> str:
    """A YAML scalar that reads back as exactly this string."""
    if value and _PLAIN.match(value) and not _YAML_SPECIAL.match(value) and value == value.strip():
        return value
    text = json.dumps(value, ensure_ascii=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def dump(values: list[tuple[str, int | str | list[str]]], extra: list[tuple[str, str]]) -> str:
    """Frontmatter text (without fences): known keys first, then foreign keys verbatim."""
    out: list[str] = []
    for key, value in values:
        if isinstance(value, int):
            out.append(f"{key}: {value}\n")
        elif isinstance(value, list):
            if not value:
                out.append(f"{key}: []\n")
            else:
                out.append(f"{key}:\n" + "".join(f"  - {scalar(v)}\n" for v in value))
        else:
            out.append(f"{key}: {scalar(value)}\n")
    out.extend(raw for _, raw in extra)
    return "".join(out)

"""Secrets in an entry's text: find them, redact them, allow the known false positives.

The scanning is Yelp's detect-secrets (pinned exactly in pyproject.toml): its plugins for
cloud keys, tokens, private keys, passwords in `KEY=value` lines and connection strings,
and high-entropy strings, with its false-positive filters. It runs locally on the text it is
given; its network "verify" step is never called, so nothing is sent anywhere.

What opswizard adds around it:
- a position for each finding (1-based line and column) and a short kind
  (`aws-access-key`, `private-key`, `password`, ...);
- the identifiers a postmortem is full of are not secrets: commit SHAs, sha256 (and other
  hex) digests, UUIDs, W3C trace and span IDs;
- `redact(text)` swaps each secret for `<redacted:KIND>` and keeps every other byte of the
  line (a private key block, from BEGIN to END, becomes one marker);
- a known false positive is allowed by a marker on its line (`opswizard:allow-secret`, in
  a comment such as `<!-- opswizard:allow-secret -->` or `# opswizard:allow-secret`;
  detect-secrets' own `pragma: allowlist secret` works too), or by its fingerprint, one per
  line, in `.opswizard/secrets-allowlist` at the knowledge base root (committed with it;
  a fingerprint depends on the secret's kind and value, not on its line, so it survives
  edits around it).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .findings import Finding, Where

if TYPE_CHECKING:  # pragma: no cover - detect-secrets is imported when a scan runs
    from detect_secrets.plugins.base import BasePlugin

ALLOW_MARKER = "opswizard:allow-secret"
ALLOWLIST_PATH = Path(".opswizard") / "secrets-allowlist"

# detect-secrets keeps its configuration in a process-wide singleton: one scan at a time.
_LOCK = threading.Lock()

# Plugins used: all of detect-secrets' detectors but these two. Hex strings are what a
# postmortem quotes all day (commit SHAs, digests, trace IDs), and a public IP address is
# not a credential.
_DISABLED_PLUGINS = {"HexHighEntropyString", "IPPublicDetector"}

# detect-secrets' secret types, as the short kinds opswizard shows and writes in markers.
_KINDS = {
    "AWS Access Key": "aws-access-key",
    "Azure Storage Account access key": "azure-storage-key",
    "Artifactory Credentials": "artifactory-token",
    "Basic Auth Credentials": "password-in-url",
    "Base64 High Entropy String": "high-entropy-string",
    "Cloudant Credentials": "cloudant-credentials",
    "Discord Bot Token": "discord-token",
    "GitHub Token": "github-token",
    "GitLab Token": "gitlab-token",
    "IBM Cloud IAM Key": "ibm-cloud-key",
    "IBM COS HMAC Credentials": "ibm-cos-key",
    "JSON Web Token": "jwt",
    "Mailchimp Access Key": "mailchimp-key",
    "NPM tokens": "npm-token",
    "OpenAI Token": "openai-key",
    "Private Key": "private-key",
    "PyPI Token": "pypi-token",
    "Secret Keyword": "password",
    "SendGrid API Key": "sendgrid-key",
    "Slack Token": "slack-token",
    "Slack Webhook": "slack-webhook",
    "SoftLayer Credentials": "softlayer-key",
    "Square OAuth Secret": "square-oauth-secret",
    "Stripe Access Key": "stripe-key",
    "Telegram Bot Token": "telegram-token",
    "Twilio API Key": "twilio-key",
}
# Kinds whose detector reports exactly the value (a password, a quoted string); the
# others are tokens, taken whole from the line.
_VALUE_KINDS = {"password", "password-in-url", "private-key", "high-entropy-string",
                "azure-storage-key", "aws-access-key"}
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_\-.+/=]+")
# Broad detectors yield to a specific one that found the same text.
_BROAD = {"high-entropy-string": 0, "password": 1}

_FENCE = re.compile(r"^\s{0,3}(?:[-*+]\s+|\d{1,9}[.)]\s+)?(`{3,}|~{3,})\s*([\w+#.-]*)")
# Languages whose `KEY: value` / `KEY=value` lines are config, not code: detect-secrets
# then reads unquoted values too.
_CONFIG_LANGS = {"yaml", "yml", "toml", "ini", "conf", "cfg", "env", "dotenv", "properties",
                 "bash", "sh", "shell", "zsh", "console", "shell-session", "text", "txt",
                 "", "docker", "dockerfile", "hcl"}
_CODE_LANGS = {"python": "snippet.py", "py": "snippet.py", "go": "snippet.go",
               "java": "snippet.java", "javascript": "snippet.js", "js": "snippet.js",
               "typescript": "snippet.js", "ts": "snippet.js", "terraform": "snippet.tf",
               "tf": "snippet.tf", "php": "snippet.php", "c": "snippet.c", "cpp": "snippet.cpp",
               "csharp": "snippet.cs", "cs": "snippet.cs", "swift": "snippet.swift",
               "json": "snippet.yaml", "yaml": "snippet.yaml", "yml": "snippet.yaml",
               "toml": "snippet.toml", "ini": "snippet.ini"}

# Identifiers that are not secrets (whole value).
_HEX = re.compile(r"[0-9a-fA-F]{7,128}")
_DIGEST = re.compile(r"(?:sha1|sha256|sha384|sha512|md5)[:=-][0-9a-fA-F]{32,128}", re.I)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TRACEPARENT = re.compile(r"[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
_REDACTED = re.compile(r"<redacted:[a-z0-9-]+>")
_PEM_END = re.compile(r"-----END[ A-Z0-9]*PRIVATE KEY[ A-Z0-9]*-----")


@dataclass(frozen=True)
class SecretFinding:
    """One secret in a text: where it is (1-based line and column, the end exclusive),
    its kind (`aws-access-key`) and a fingerprint (kind and value, not position) for the
    allowlist. The secret itself is kept out of repr and of `to_dict`."""

    line: int
    column: int
    end_line: int
    end_column: int
    kind: str
    fingerprint: str
    secret: str = field(repr=False, compare=False)

    @property
    def label(self) -> str:
        """The kind as words: "aws access key"."""
        return self.kind.replace("-", " ")

    @property
    def marker(self) -> str:
        """What `redact` puts in its place."""
        return f"<redacted:{self.kind}>"

    def to_dict(self) -> dict[str, object]:
        """Everything but the secret."""
        return {"line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "kind": self.kind,
                "fingerprint": self.fingerprint}


def fingerprint(kind: str, secret: str) -> str:
    """A stable, one-way name for a secret: 24 hex digits of sha256 over kind and value."""
    return hashlib.sha256(f"opswizard-secret\0{kind}\0{secret}".encode()).hexdigest()[:24]


def load_allowlist(root: Path | None) -> frozenset[str]:
    """The fingerprints in `<root>/.opswizard/secrets-allowlist` (one a line, `#` comments)."""
    if root is None:
        return frozenset()
    try:
        text = (Path(root) / ALLOWLIST_PATH).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    found = set()
    for raw in text.splitlines():
        word = raw.split("#", 1)[0].strip().lower()
        if re.fullmatch(r"[0-9a-f]{24}", word):
            found.add(word)
    return frozenset(found)


def _is_identifier(value: str) -> bool:
    """Commit SHAs, hex digests, UUIDs, trace IDs: quoted all day, never secrets."""
    v = value.strip().strip("'\"`")
    return bool(_HEX.fullmatch(v) or _DIGEST.fullmatch(v) or _UUID.fullmatch(v)
                or _TRACEPARENT.fullmatch(v) or _REDACTED.fullmatch(v))


def _is_prose(line: str, value: str) -> bool:
    """A keyword finding that reads as words or a plain link ("password: rotated by the
    on-call", "reset_url: https://..."): an unquoted value with a space, or a URL without
    credentials in it (a URL with them is the connection-string detector's)."""
    at = line.find(value)
    quoted = at > 0 and line[at - 1] in "'\"`"
    v = value.strip()
    if not quoted and re.search(r"\s", v):
        return True
    m = re.match(r"[a-z][a-z0-9+.-]*://([^/\s]*)", v, re.I)
    return m is not None and "@" not in m.group(1)


def _line_contexts(lines: list[str]) -> list[str]:
    """For each line, the file name detect-secrets should think it comes from (it picks
    its keyword rules by extension): a fenced block's language, else a config file."""
    names = []
    fence: str | None = None
    name = "entry.conf"
    for line in lines:
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            lang = m.group(2).lower()
            name = _CODE_LANGS.get(lang, "snippet.conf" if lang in _CONFIG_LANGS else "x.md")
            names.append("entry.conf")
            continue
        if fence is not None and m and m.group(1)[0] == fence[0] \
                and len(m.group(1)) >= len(fence) and not m.group(2):
            fence = None
            names.append("entry.conf")
            name = "entry.conf"
            continue
        names.append(name if fence is not None else "entry.conf")
    return names


def _full_value(line: str, dtype: str, value: str) -> str:
    """The whole secret for a finding. Some detect-secrets detectors report only the
    regex group they capture: a token's prefix (`ghp`, `glpat`) or the key with its name
    (`AccountKey=...`); take the token whole, and the key without its name."""
    if dtype == "Azure Storage Account access key" and "=" in value:
        return value.split("=", 1)[1]
    if len(value) >= 8:
        return value
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    # Its return type names an unbound TypeVar: say which classes it maps to.
    plugin: type[BasePlugin] | None = get_mapping_from_secret_type_to_class().get(dtype)
    for regex in getattr(plugin, "denylist", ()):
        for m in regex.finditer(line):
            if m.group(0).startswith(value):
                return m.group(0)
    return value


# Words without which the keyword detectors (detect-secrets' keyword list, and the
# "*_key / *_token / *_pwd" names of its cloud detectors) cannot fire, and token prefixes.
_WORDS = ("key", "pass", "pw", "secret", "token", "contrase", "putty", "xox", "://", "sk-")
_RUN = re.compile(r"[A-Za-z0-9_\-+/=]{20,}|(?:AKC|AP[\dA-F])[a-zA-Z0-9]{8,}")


def _could_hold_a_secret(line: str) -> bool:
    """A quick test that leaves out only lines no detector could fire on: no keyword or
    prefix a detector needs, and no run of token characters as long as the shortest token
    (running every detector on a line costs about a millisecond; this, microseconds)."""
    lower = line.lower()
    return any(w in lower for w in _WORDS) or bool(_RUN.search(line))


def _raw_scan(lines: list[str]) -> list[tuple[int, str, str]]:
    """(0-based line, detect-secrets type, value) for every line, under the lock."""
    from detect_secrets.core import scan as ds_scan
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.settings import transient_settings

    classes: Mapping[str, type[BasePlugin]] = get_mapping_from_secret_type_to_class()
    plugins = [{"name": cls.__name__}
               for cls in classes.values()
               if cls.__name__ not in _DISABLED_PLUGINS]
    contexts = _line_contexts(lines)
    out: list[tuple[int, str, str]] = []
    with _LOCK, transient_settings({"plugins_used": plugins}) as settings:
        # `x = f(...)` lines are the keyword detector's false positives, but detect-secrets
        # drops every finding on such a line (a token before `:X[]` too): applied below to
        # keyword findings only.
        settings.disable_filters("detect_secrets.filters.common.is_invalid_file",
                                 "detect_secrets.filters.heuristic.is_indirect_reference")
        ds_scan.get_filters.cache_clear()
        # Lines are scanned in groups of one context each, numbered within the group
        # (detect-secrets reads the neighbouring lines of a group for its context).
        groups: dict[str, list[int]] = {}
        for number, ctx in enumerate(contexts):
            if _could_hold_a_secret(lines[number]):
                groups.setdefault(ctx, []).append(number)
        for ctx, numbers in groups.items():
            numbered = [(i + 1, lines[n]) for i, n in enumerate(numbers)]
            for secret in ds_scan._process_line_based_plugins(numbered, filename=ctx):
                if secret.secret_value and secret.line_number:
                    index = numbers[secret.line_number - 1]
                    out.append((index, secret.type,
                                _full_value(lines[index], secret.type, secret.secret_value)))
    return out


def scan(text: str, allowlist: Iterable[str] = ()) -> list[SecretFinding]:
    """Every secret in `text`, in reading order; allowed ones (marker on the line, or
    fingerprint in `allowlist`) left out. Runs locally; sends nothing anywhere."""
    if not text:
        return []
    allowed = {a.lower() for a in allowlist}
    from detect_secrets.filters.heuristic import is_indirect_reference

    lines = text.split("\n")
    candidates: list[SecretFinding] = []
    for index, dtype, value in _raw_scan(lines):
        line = lines[index]
        kind = _KINDS.get(dtype, re.sub(r"[^a-z0-9]+", "-", dtype.lower()).strip("-"))
        if ALLOW_MARKER in line or _is_identifier(value):
            continue
        if kind == "password" and (_is_prose(line, value) or is_indirect_reference(line)):
            continue
        if kind == "private-key":
            found = _private_key(lines, index, value)
            if found:
                candidates.append(found)
            continue
        if kind not in _VALUE_KINDS:
            value = _whole_token(line, value)
        start = 0
        while (at := line.find(value, start)) >= 0:
            candidates.append(SecretFinding(index + 1, at + 1, index + 1, at + 1 + len(value),
                                            kind, fingerprint(kind, value), value))
            start = at + len(value)
    result = [f for f in _without_overlaps(candidates) if f.fingerprint not in allowed]
    return sorted(result, key=lambda f: (f.line, f.column))


def _whole_token(line: str, value: str) -> str:
    """A token as written on the line, from where the detector's match starts to the end
    of the run of token characters: some detectors match a fixed length, or lazily, or on
    to the end of the line (`npm_...` then `" > ~/.npmrc`)."""
    at = line.find(value)
    if at < 0:
        return value
    m = _TOKEN_RUN.match(line, at)
    token = m.group(0).rstrip(".") if m else ""
    return token if len(token) >= 8 else value


def _private_key(lines: list[str], index: int, value: str) -> SecretFinding | None:
    """A PEM private key from its BEGIN line to its END line (or that line alone)."""
    line = lines[index]
    at = line.find("-----BEGIN")
    if at < 0:
        at = max(line.find(value), 0)
        return SecretFinding(index + 1, at + 1, index + 1, len(line) + 1, "private-key",
                             fingerprint("private-key", line[at:]), line[at:])
    for end in range(index, min(len(lines), index + 200)):
        m = _PEM_END.search(lines[end], at if end == index else 0)
        if m:
            body = "\n".join([lines[index][at:], *lines[index + 1:end], lines[end][:m.end()]]) \
                if end > index else line[at:m.end()]
            return SecretFinding(index + 1, at + 1, end + 1, m.end() + 1, "private-key",
                                 fingerprint("private-key", body), body)
    return SecretFinding(index + 1, at + 1, index + 1, len(line) + 1, "private-key",
                         fingerprint("private-key", line[at:]), line[at:])


def _without_overlaps(found: list[SecretFinding]) -> list[SecretFinding]:
    """One finding per stretch of text: a specific detector beats a broad one, then the
    longer match wins."""
    def rank(f: SecretFinding) -> tuple[int, int]:
        return (_BROAD.get(f.kind, 2), len(f.secret))

    kept: list[SecretFinding] = []
    for f in sorted(found, key=rank, reverse=True):
        if not any(_overlap(f, k) for k in kept):
            kept.append(f)
    return kept


def _overlap(a: SecretFinding, b: SecretFinding) -> bool:
    return (a.line, a.column) < (b.end_line, b.end_column) \
        and (b.line, b.column) < (a.end_line, a.end_column)


def redact(text: str, findings: Iterable[SecretFinding] | None = None,
           allowlist: Iterable[str] = ()) -> tuple[str, list[SecretFinding]]:
    """`text` with each secret replaced by `<redacted:KIND>`, every other byte kept; and
    the findings redacted (positions in the original text). `findings` defaults to
    `scan(text, allowlist)`; pass a subset to redact only those."""
    chosen = scan(text, allowlist) if findings is None else list(findings)
    if not chosen:
        return text, []
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    out = text
    done = []
    for f in sorted(_without_overlaps(chosen), key=lambda f: (f.line, f.column), reverse=True):
        begin = starts[f.line - 1] + f.column - 1
        end = starts[f.end_line - 1] + f.end_column - 1
        if out[begin:end] != f.secret:
            continue  # the text moved since the scan: leave it to a fresh scan
        out = out[:begin] + f.marker + out[end:]
        done.append(f)
    return out, sorted(done, key=lambda f: (f.line, f.column))


def findings_for(text: str, allowlist: Iterable[str] = ()) -> list[Finding]:
    """The secrets in an entry's text as `validate` findings: one error each, at its line,
    its column in the message (and in `where`, as `secret:LINE:COLUMN`)."""
    return [Finding("error",
                    f"secret: {f.label} at column {f.column} (fingerprint {f.fingerprint}); "
                    f"redact it, or allow it with {ALLOW_MARKER} on the line or its "
                    f"fingerprint in {ALLOWLIST_PATH.as_posix()}",
                    f.line, Where.secret(f.line, f.column))
            for f in scan(text, allowlist)]

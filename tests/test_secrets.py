"""Secrets: the seeded corpus is found whole, lookalikes never, redaction keeps the line."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from opswizard.cli import main
from opswizard.core import secrets

HERE = Path(__file__).parent
CORPUS = HERE / "fixtures" / "secrets"

# Every secret seeded in fixtures/secrets/seeded.md (all fake), with the kind it must get.
SEEDED = [
    ("aws-access-key", "AKIAZ7Q3X5MEWT2LRV4N"),
    ("github-token", "ghp_4fK9sQ2vLmX8pR7tW3yZ1bN6cD0eH5jA2kU9"),
    ("password-in-url", "Pg7vR2xQ9s"),
    ("stripe-key", "sk_live_4eC39HqLyjWDarjtT1zdp7dc9Xy"),
    ("jwt", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFsaWNl"
            "In0.Qm9v2k8xQ5rT7yU3iO1pL9aS6dF4gH2jK0zX8cV5bN7"),
    ("slack-token", "xoxb-2048193746-5512098734-Zq8RkT3vW9yLp2MnB7xC4dFh"),
    ("gitlab-token", "glpat-Xy9Kq2Wm4Rt7Zp3Lv8Nb"),
    ("password", "Tr0ub4dor-and-3"),
    ("npm-token", "npm_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"),
    ("openai-key", "sk-proj-Ab3De5Fg7Hj9Kl1Mn3Pq5Rs7Tu9Vw1Xy3Za5Bc7T3BlbkFJ"
                   "Ab3De5Fg7Hj9Kl1Mn3Pq5Rs7"),
    ("sendgrid-key", "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"),
    ("aws-access-key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Rt3Kp2Q"),
    ("azure-storage-key", "Q2hhbmdlVGhpc0Zha2VLZXlGb3JUZXN0c09ubHlOb3RBUmVhbEF6dXJlS2V5MDEyMzQ1"
                          "Njc4OWFiY2RlZmdoaW=="),
    ("high-entropy-string", "X7fK2pQ9vL4mN8rT1wZ6yB3cD5gH0jSaQ7e"),
    ("twilio-key", "SK0123456789abcdef0123456789abcdef"),
    ("password", "correct horse battery staple"),
    ("private-key", "-----BEGIN OPENSSH PRIVATE KEY-----"),
    ("pypi-token", "pypi-AgEIcHlwaS5vcmcCJGE4ZjY3ZDM5LWQ2YjctNDg2Ni1iZmU0LTc1YjgxNzM1MjU4ZQACJXsicG"
                   "VybWlzc2lvbnMiOiAidXNlciIsICJ2ZXJzaW9uIjogMX0AAAYgkG6kEg"),
]


def _where(text: str, needle: str) -> tuple[int, int]:
    for number, line in enumerate(text.split("\n"), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle[:12]} not in the corpus")


def _score() -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) over both corpus files."""
    seeded = (CORPUS / "seeded.md").read_text()
    expected = {(_where(seeded, s), k) for k, s in SEEDED}
    got = {((f.line, f.column), f.kind) for f in secrets.scan(seeded)}
    lookalike_hits = secrets.scan((CORPUS / "lookalikes.md").read_text())
    tp = len(expected & got)
    return tp, len(got - expected) + len(lookalike_hits), len(expected - got)


def test_corpus_has_ten_kinds_or_more() -> None:
    assert len({k for k, _ in SEEDED}) >= 10


def test_every_seeded_secret_is_found_at_its_line_and_column_with_its_kind() -> None:
    text = (CORPUS / "seeded.md").read_text()
    found = {((f.line, f.column), f.kind): f for f in secrets.scan(text)}
    for kind, secret in SEEDED:
        where = _where(text, secret)
        assert (where, kind) in found, (kind, where)
        if kind != "private-key":
            assert found[(where, kind)].secret == secret
    assert len(found) == len(SEEDED)


def test_precision_and_recall_are_one(capsys: pytest.CaptureFixture[str]) -> None:
    tp, fp, fn = _score()
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    with capsys.disabled():
        print(f"\nsecrets corpus: {tp} found, {fp} false, {fn} missed: "
              f"precision {precision:.2f}, recall {recall:.2f}")
    assert (precision, recall) == (1.0, 1.0)


def test_lookalikes_are_not_secrets() -> None:
    """Commit SHAs, digests, UUIDs, trace and span IDs, env references, prose about
    passwords, an earlier redaction."""
    assert secrets.scan((CORPUS / "lookalikes.md").read_text()) == []


_CLEAN = [*sorted((HERE / "fixtures" / "seed").glob("*.md")),
          *sorted((HERE.parent / "opswizard" / "demo" / "kb").rglob("*.md"))]


@pytest.mark.parametrize("path", _CLEAN, ids=lambda p: p.name[:40])
def test_seed_examples_and_demo_have_no_secrets(path: Path) -> None:
    assert secrets.scan(path.read_text(encoding="utf-8")) == []


def test_redaction_keeps_the_rest_of_every_line_byte_for_byte() -> None:
    text = (CORPUS / "seeded.md").read_text()
    found = secrets.scan(text)
    out, done = secrets.redact(text)
    assert len(done) == len(found)
    assert secrets.scan(out) == []
    old_lines, new_lines = text.split("\n"), out.split("\n")
    # The private key block (4 lines) becomes one marker: lines after it shift by 3.
    key = next(f for f in found if f.kind == "private-key")
    assert new_lines[key.line - 1] == "<redacted:private-key>"
    by_line = {f.line: f for f in found if f.kind != "private-key"}
    for number, line in enumerate(old_lines, 1):
        if key.line <= number <= key.end_line:
            continue
        new = new_lines[number - 1 - (3 if number > key.end_line else 0)]
        f = by_line.get(number)
        if f is None:
            assert new == line
        else:
            assert new == line[:f.column - 1] + f"<redacted:{f.kind}>" + line[f.end_column - 1:]
    assert "api.example.test/v1" in out and '" > ~/.npmrc' in out


_SAFE = st.text(alphabet="abc XYZ:=,;()[]#-_./'\"\t", max_size=30)


@settings(max_examples=60, deadline=None)
@given(prefix=_SAFE, suffix=_SAFE)
def test_redaction_property(prefix: str, suffix: str) -> None:
    """Around a token, whatever comes before and after is kept byte for byte."""
    token = "ghp_4fK9sQ2vLmX8pR7tW3yZ1bN6cD0eH5jA2kU9"
    line = f"{prefix} {token} {suffix}"
    out, done = secrets.redact(f"first line\n{line}\nlast line")
    assert out == f"first line\n{prefix} <redacted:github-token> {suffix}\nlast line"
    assert [(f.line, f.column) for f in done] == [(2, len(prefix) + 2)]


def test_inline_marker_and_allowlist_allow_a_known_false_positive(tmp_path: Path) -> None:
    line = 'webhook_signing: "X7fK2pQ9vL4mN8rT1wZ6yB3cD5gH0jSaQ7e"'
    (hit,) = secrets.scan(line)
    assert secrets.scan(line + "  # opswizard:allow-secret") == []
    assert secrets.scan(line + " <!-- opswizard:allow-secret -->") == []
    assert secrets.scan(line, allowlist=[hit.fingerprint]) == []
    (tmp_path / ".opswizard").mkdir()
    (tmp_path / ".opswizard" / "secrets-allowlist").write_text(
        f"# the webhook test vector, not a real key\n{hit.fingerprint}  # shared test key\n")
    assert secrets.load_allowlist(tmp_path) == {hit.fingerprint}
    # the fingerprint does not depend on the line the secret is on
    (moved,) = secrets.scan("\n\n\nsome text\n" + line)
    assert moved.fingerprint == hit.fingerprint and moved.line == 5


def test_a_finding_never_shows_the_secret() -> None:
    (hit,) = secrets.scan("token ghp_4fK9sQ2vLmX8pR7tW3yZ1bN6cD0eH5jA2kU9")
    assert "ghp_" not in repr(hit) and "ghp_" not in str(hit.to_dict())
    assert hit.to_dict()["kind"] == "github-token"


def test_scanning_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the scanner tried to connect")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert _score() == (len(SEEDED), 0, 0)


def test_scans_from_several_threads_agree() -> None:
    text = (CORPUS / "seeded.md").read_text()
    want = [f.to_dict() for f in secrets.scan(text)]
    results: list[list[dict[str, object]]] = []

    def run() -> None:
        results.append([f.to_dict() for f in secrets.scan(text)])

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [want] * 4


def test_validate_reports_each_secret_as_an_error_at_its_line(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    text = (CORPUS / "seeded.md").read_text()
    target = kb / "seeded.md"
    target.write_text(text)
    result = CliRunner().invoke(main, ["--kb", str(kb), "validate", str(target)])
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ": error: secret: " in ln]
    assert len(lines) == len(SEEDED)
    for kind, secret in SEEDED:
        number, column = _where(text, secret)
        want = f"{target}:{number}: error: secret: {kind.replace('-', ' ')} at column {column} "
        assert any(ln.startswith(want) for ln in lines), want
    assert "ghp_" not in result.output
    # allowlisted by fingerprint in the knowledge base: no longer reported
    (kb / ".opswizard").mkdir()
    (kb / ".opswizard" / "secrets-allowlist").write_text(
        "\n".join(f.fingerprint for f in secrets.scan(text)) + "\n")
    again = CliRunner().invoke(main, ["--kb", str(kb), "validate", str(target)])
    assert ": error: secret: " not in again.output

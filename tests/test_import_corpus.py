"""The import corpus: 24 postmortems of our own in nine layouts (tests/fixtures/layouts),
each with what a reader finds in it. Every file imports; title, date, severity and follow-ups
(count and owners) come out right; no non-empty line is lost; the imported file imported
again gives the same bytes; `show` reads what import wrote."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from opswizard.cli import main
from opswizard.core import layouts
from opswizard.core.importer import Conversion, convert
from opswizard.core.tags import normalise_tag, tags_from_text

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
FILES = sorted(p.name for p in LAYOUTS.glob("*.md"))

# name: (title, date (a day, or day and time when the document gives one), severity, owners
# of the follow-ups in order ("" for a follow-up without an owner))
ORACLE: dict[str, tuple[str, str | None, str | None, list[str]]] = {
    "atlassian-01-storage-quota.md": ("Attachment uploads rejected", "2024-10-02T10:05", "HIGH",
                                      ["Hana", "Bruno"]),
    "atlassian-02-login-loop.md": ("Login redirect loop after SSO change", "2025-02-11", "HIGH",
                                   ["@sven", "@amal"]),
    "atlassian-03-report-export.md": ("nightly report export missed", "2024-07-30", "LOW",
                                      ["Dev Patel", "Ruth"]),
    "azure-01-region-storage.md": ("Storage latency in West region", "2024-09-12T02:10", None,
                                   ["", "storage-health", ""]),
    "azure-02-aks-dns.md": ("Cluster DNS failures after node image upgrade", "2025-05-06T08:30",
                            "HIGH", ["@image-team", "@docs"]),
    "azure-03-gateway-config.md": ("API gateway configuration push", "2024-01-14", None,
                                   ["@gw-team", "@gw-team"]),
    "blog-01-jekyll-webhooks.md": ("Webhook deliveries delayed", "2024-12-03T17:30", "HIGH",
                                   ["", ""]),
    "etsy-01-image-resizer.md": ("image resizer memory leak", "2024-04-17T11:02", "HIGH",
                                 ["@jonas", "@keisha"]),
    "etsy-02-feature-flag.md": ("search ranking flag flipped for all users", "2025-01-29T15:45",
                                "LOW", ["@ivy", "@sam"]),
    "etsy-03-email-bounce.md": ("transactional email bounces", "2023-05-09", None,
                                ["@paz", "@dns-team"]),
    "fivewhys-01-disk-full.md": ("Metrics database disk full", "2024-02-27", "MEDIUM",
                                 ["@wei", "@wei"]),
    "fivewhys-02-batch-duplicate.md": ("Duplicate payouts from the batch job", "2025-06-02",
                                       "CRITICAL", ["Carla", "Deniz", "Carla"]),
    "fivewhys-03-ssl-handshake.md": ("Why did mobile clients fail TLS handshakes?", "2023-10-10",
                                     "MEDIUM", ["@mo", "@mo"]),
    "generic-01-header-block.md": ("Orders Service Incident", "2025-07-21T07:50", "CRITICAL",
                                   ["Rosa", "Nils"]),
    "gitlab-01-ci-runners.md": ("CI jobs stuck in pending", "2024-05-20", None,
                                ["@rhea", "@rhea"]),
    "gitlab-02-registry-gc.md": ("Container registry garbage collection deleted tagged images",
                                 "2023-12-04", "HIGH", ["@noel", "@noel", "@kim"]),
    "gitlab-03-wiki-search.md": ("Wiki search returned stale results", "2025-03-18", "LOW",
                                 ["@tara"]),
    "pagerduty-01-queue-backlog.md": ("Notification queue backlog", "2025-04-09T14:02", "MEDIUM",
                                      ["Felix", "Ada"]),
    "pagerduty-02-payment-timeouts.md": ("Payment provider timeouts", "2024-06-18T19:05",
                                         "CRITICAL", ["@ines", "@ines", "@kofi"]),
    "pagerduty-03-cache-stampede.md": ("Catalog cache stampede", "2025-03-05", "HIGH",
                                       ["@yusuf", "@yusuf", "@li"]),
    "sre-01-checkout-flag.md": ("Checkout API outage (incident #42)", "2024-03-02T09:08", "HIGH",
                                ["@dana", "lee"]),
    "sre-02-search-index.md": ("Search Index Rebuild (incident #117)", "2025-01-14T06:04", None,
                               ["priya", "tomas", "search-team"]),
    "sre-03-cert-expiry.md": ("Internal API certificate expiry", "2024-11-03T09:00", "HIGH",
                              ["@mara", "@jun", "@mara"]),
    "sre-04-dns-ttl.md": ("DNS TTL Change", "2023-08-21T13:40", "CRITICAL",
                          ["@lena", "@omar", ""]),
}


def imported(name: str) -> Conversion:
    return convert((LAYOUTS / name).read_bytes(), name, layouts.builtin())


def test_the_corpus_is_what_the_issue_asks_for() -> None:
    assert sorted(ORACLE) == FILES
    assert len(FILES) >= 20
    assert len({name.split("-")[0] for name in FILES}) >= 6


@pytest.mark.parametrize("name", FILES)
def test_facts_and_follow_ups_come_out_right(name: str) -> None:
    title, date, severity, owners = ORACLE[name]
    conversion = imported(name)
    assert not conversion.skipped and conversion.entry is not None
    assert conversion.fallback == ""  # every mapped section went where the map says
    entry = conversion.entry
    assert entry.title == title
    assert (entry.date[: len(date)] if date else entry.date) == (date or "")
    assert entry.severity == (severity or "")
    actions = [a for a in entry.follow_up_actions.items if not a.raw]
    assert [a.owner for a in actions] == owners


_MARK = re.compile(r"^\s*(?:#{1,6}\s+|>\s*)*(?:[-*+]\s+|\d+[.)]\s+)?(?:\[[ xX]\]\s*)?")


def _loose(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[*_]", "", text)).strip().lower()


def _missing(source: str, conversion: Conversion) -> list[str]:
    """Non-empty source lines whose text is not in the output (markers and case aside; a
    table row's cells each; a mapped heading's own words replaced by the template's)."""
    assert conversion.data is not None
    out = conversion.data.decode()
    whole = _loose(out)
    missing = []
    for number, line in enumerate(source.split("\n"), start=1):
        if not line.strip():
            continue
        if number in conversion.structure:
            parts = [conversion.structure[number]]
        elif line.startswith("tags:"):  # frontmatter tags, written one a line
            parts = re.findall(r"[\w-]+", line.removeprefix("tags:"))
        elif line.strip().startswith("|"):
            parts = [c for c in line.strip().strip("|").split("|")]
        elif re.match(r"^\s*(`{3,}|~{3,})", line):
            parts = [line.strip().lstrip("`~")]
        else:
            parts = [_MARK.sub("", line)]
        if not all(_loose(p) in whole for p in parts) and not _tags(line, conversion):
            missing.append(line)
    return missing


def _tags(line: str, conversion: Conversion) -> bool:
    """A line under a Tags heading: its tags are the entry's (in the frontmatter)."""
    found = [normalise_tag(t) for t in tags_from_text(_MARK.sub("", line))]
    return bool(found) and conversion.entry is not None and \
        all(t in conversion.entry.tags for t in found if t)


@pytest.mark.parametrize("name", FILES)
def test_no_line_is_lost(name: str) -> None:
    conversion = imported(name)
    assert _missing((LAYOUTS / name).read_text(), conversion) == []
    assert conversion.lost == []


@pytest.mark.parametrize("name", FILES)
def test_importing_the_imported_file_gives_the_same_bytes(name: str) -> None:
    first = imported(name)
    assert first.data is not None
    again = convert(first.data, "imported.md", layouts.builtin())
    assert again.data == first.data


def test_the_whole_corpus_through_the_command_and_show(kb: Path) -> None:
    result = CliRunner().invoke(main, ["import", str(LAYOUTS)])
    assert result.exit_code == 0, result.output
    written = [Path(line.removeprefix("wrote ")) for line in result.stdout.splitlines()]
    assert len(written) == len(FILES)
    assert "imported 24 (" in result.stderr and "0 skipped" in result.stderr
    for path in written:
        shown = CliRunner().invoke(main, ["show", "--json", str(path)])
        assert shown.exit_code == 0, shown.output  # no errors: show accepts what import wrote
        data = json.loads(shown.stdout)
        name = Path(re.search(r"imported_from: (.+)", path.read_text()).group(1)).name
        title, _, severity, owners = ORACLE[name]
        assert (data["title"], data["severity"]) == (title, severity or "")
        assert [a["owner"] for a in data["follow_up_actions"]] == owners
    again = CliRunner().invoke(main, ["import", str(LAYOUTS)])
    assert all(line.startswith("unchanged ") for line in again.stdout.splitlines())
    assert len(list(kb.rglob("*.md"))) == len(FILES)

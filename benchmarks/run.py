"""opswizard at 1,000, 10,000 and 50,000 entries, against its targets and against anchors.

    python benchmarks/run.py                                  # 1,000, 10,000 and 50,000
    python benchmarks/run.py --sizes 1000,10000 --runs 5 --cold-runs 3

Prints a Markdown table (one column per size) and the ratios against the targets.
Knowledge bases are written once by `make_kb.py` (seeded, realistic, 3 broken files) into
`--work` (default: $TMPDIR/opswizard-bench) and reused by later runs. The index cache goes
to a private XDG_CACHE_HOME under `--work`, never the user's.

Measured, each as the median of several runs (wall clock; `cold`: the index cache
deleted before each run; `warm`: after a first run filled it):
- `opswizard search QUERY` and `opswizard list --json`, as subprocesses, cold and warm;
- cold indexing in one process (`kbindex.load(root, use_cache=False)`), with one process
  and with a pool of processes, beside reading every file's bytes in the same process;
- the browser's time to first frame: `opswizard browse` started in a pseudo-terminal
  (120x36), timed from just before the process is started until the browser screen has
  been painted once (the child writes `time.monotonic()`, a system-wide clock, from a
  `call_after_refresh` hook set on the screen, then exits at once); and until the rows
  are shown (the loading worker done, repainted); a bare Textual app (Header, Static,
  Footer) is timed the same way;
- suggestion latency per keystroke (tags, related, search: `bench_suggest.run_once` over
  the knowledge base's real records), median and p95, wall and CPU;
- peak memory: the largest resident set of each subprocess (`os.wait4` rusage), pool
  workers included once reaped.
Anchors: the raw read, `cat` of every file (`find | xargs cat`), `rg` over the tree,
`fzf --filter` over the titles, `opswizard search` and `list --json` on an empty knowledge
base, a bare Textual app's first frame. A missing tool is skipped and said so.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import platform
import pty
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

QUERY = ["pool", "exhausted", "timeouts"]
NAN = float("nan")
FZF_QUERY = "pool exh"
RG_PATTERN = "connection pool"
SIZE = (120, 36)
TARGETS = {  # at 10,000 entries; at 100,000 warm search <= 4x and the rest alike
    "warm search / empty-kb search": 1.3,
    "cold index / raw read": 10.0,
    "browser first frame / bare Textual": 1.3,
    "peak RSS, warm command or browser (MB)": 250.0,
    "suggestion p95, per keystroke (ms)": 16.0,
    "search, related, filter p95, per call (ms)": 16.0,
}


# -- children (run by the parent as `run.py --child ...`) ---------------------------------------
def child_frame(mode: str, stamp: str, kb: str | None) -> None:
    """Paint once, write the time, exit at once (no teardown: the pty is thrown away)."""

    def done() -> None:
        Path(stamp).write_text(repr(time.monotonic()))
        os._exit(0)

    if mode == "bare":
        from textual.app import App, ComposeResult
        from textual.widgets import Footer, Header, Static

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Header()
                yield Static("Hello")
                yield Footer()

            def on_mount(self) -> None:
                self.call_after_refresh(done)

        Bare().run()
        return
    from opswizard.tui.screens import browse

    screen_type = browse.BrowseScreen
    if mode == "browse":
        mounted = screen_type.on_mount

        def on_mount(self: browse.BrowseScreen) -> None:
            mounted(self)
            self.call_after_refresh(done)

        screen_type.on_mount = on_mount  # type: ignore[method-assign]
    else:
        loaded = screen_type._loaded

        def _loaded(self: browse.BrowseScreen, *args: object) -> None:
            loaded(self, *args)  # type: ignore[arg-type]
            self.call_after_refresh(done)

        screen_type._loaded = _loaded  # type: ignore[method-assign]
    from opswizard.cli import main

    main(["--kb", str(kb), "browse"], standalone_mode=False)


def child_index(kb: str, workers: int) -> None:
    """Raw read of every file, then cold indexing (the index deleted first: every file
    read, parsed and written to the SQLite index), in this one process."""
    from opswizard.core import kbdb, store

    root = Path(kb)
    start = time.perf_counter()
    total = 0
    for path in store.scan(root):
        with open(path, "rb") as handle:
            total += len(handle.read())
    raw = time.perf_counter() - start
    kbdb.clear(root)
    start = time.perf_counter()
    index = kbdb.KbIndex.open(root, workers=workers)
    took = time.perf_counter() - start
    print(json.dumps({"raw": raw, "index": took, "bytes": total,
                      "files": index.stats.files, "parsed": index.stats.parsed}))


def child_suggest(kb: str) -> None:
    """Per keystroke, over the knowledge base's own index: tag completions (kept in memory),
    related entries for drafts typed a letter at a time and search prefixes (both through
    the one search, as the wizard and the browser's filter call it)."""
    import statistics

    from bench_suggest import DRAFTS, SEARCH_QUERIES, TAG_QUERIES, _timed, prefixes

    from opswizard.core.search import Query
    from opswizard.core.suggestions import Suggestions

    found = Suggestions.open(Path(kb))
    search = found.search
    tag_calls = [lambda p=p: found.tags(p) for q in TAG_QUERIES for p in prefixes(q)]
    tag_calls += [lambda q=q: found.near_duplicate_tag(q) for q in TAG_QUERIES]
    related_calls = []
    for svc, title, symptoms, cause in DRAFTS:
        texts = [t for t in prefixes(title)]
        texts += [f"{title} {s}" for s in prefixes(symptoms)]
        texts += [f"{title} {symptoms} {c}" for c in prefixes(cause)]
        related_calls += [lambda t=t, svc=svc: search.search(
            Query(t, (svc,), ("latency",)), 8, summaries=True) for t in texts]
    search_calls = [lambda p=p: search.search(p, 20) for q in SEARCH_QUERIES
                    for p in prefixes(q)]
    filter_calls = [lambda p=p: search.filter_keys(p) for q in SEARCH_QUERIES
                    for p in prefixes(q)]
    out: dict[str, float] = {}
    for name, calls in (("tags", tag_calls), ("related", related_calls),
                        ("search", search_calls), ("filter", filter_calls)):
        wall, cpu = _timed(calls)
        for clock, times in (("", wall), ("cpu_", cpu)):
            out[f"{clock}{name}_median"] = statistics.median(times)
            out[f"{clock}{name}_p95"] = statistics.quantiles(times, n=20, method="inclusive")[-1]
    print(json.dumps(out))


# -- measuring ------------------------------------------------------------------------------------
class Cmd:
    """A subprocess run: wall seconds, peak RSS in MB, exit status."""

    def __init__(self, wall: float, rss_mb: float, status: int) -> None:
        self.wall, self.rss_mb, self.status = wall, rss_mb, status


def run(cmd: list[str], env: dict[str, str], stdin: object = subprocess.DEVNULL,
        stdout: object = subprocess.DEVNULL) -> Cmd:
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdin=stdin, stdout=stdout,  # type: ignore[arg-type]
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Cmd(wall, usage.ru_maxrss / 1024, proc.returncode)


def in_pty(cmd: list[str], env: dict[str, str], stamp: Path, timeout: float = 300) -> Cmd:
    """Run in a pseudo-terminal; wall = until the child's stamp (its first frame)."""
    stamp.unlink(missing_ok=True)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))

    def drain() -> None:
        with contextlib.suppress(OSError):
            while os.read(master, 65536):
                pass

    reader = threading.Thread(target=drain, daemon=True)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env={**env, "TERM": "xterm-256color"}, stdin=slave,
                            stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    reader.start()
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join(2)
    os.close(master)
    if not stamp.exists():
        raise RuntimeError(f"{cmd} painted no frame (exit {proc.returncode})")
    return Cmd(float(stamp.read_text()) - start, usage.ru_maxrss / 1024, proc.returncode)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = Path(args.work).resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "XDG_CACHE_HOME": str(self.work / "cache"),
                    "XDG_STATE_HOME": str(self.work / "state"),
                    "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
        os.environ["XDG_CACHE_HOME"] = self.env["XDG_CACHE_HOME"]  # kbindex.cache_file here
        self.py = sys.executable
        exe = Path(sys.executable).with_name("opswizard")
        self.ow = [str(exe)] if exe.exists() else [self.py, "-m", "opswizard.cli"]
        self.notes: list[str] = []
        self.warm_only = {int(x.replace("_", "")) for x in args.warm_only.split(",") if x}
        self.stamp = self.work / "frame.stamp"
        self.empty_kb = self.work / "kb-empty"
        self.empty_kb.mkdir(exist_ok=True)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
        print(f"  note: {text}", file=sys.stderr)

    def log(self, text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    # -- knowledge bases --------------------------------------------------------------------
    def kb(self, n: int) -> Path:
        root = self.work / f"kb-{n}-seed{self.args.seed}"
        done = root / ".complete"
        if self.args.fresh and root.exists():
            shutil.rmtree(root)
        if not done.exists():
            if root.exists():
                shutil.rmtree(root)
            self.log(f"writing {n:,} entries to {root}")
            from make_kb import write

            write(root, n, seed=self.args.seed, broken=3, fast=True)
            done.write_text("")  # hidden: never scanned
        return root

    def clear_cache(self, root: Path) -> None:
        from opswizard.core import kbindex

        kbindex.clear(root)

    # -- one size -----------------------------------------------------------------------------
    def cli(self, root: Path, args: list[str], cold: bool, runs: int,
            anchor: list[float] | None = None) -> tuple[float, float]:
        """Median wall seconds and peak RSS (MB) of `opswizard ARGS --kb root`.

        `anchor`: also time the same command on the empty knowledge base, alternating
        with ours (so a change in the machine's load hits both alike)."""
        cmd = [*self.ow, *args, "--kb", str(root)]
        empty = [*self.ow, *args, "--kb", str(self.empty_kb)]
        if not cold:
            run(cmd, self.env)  # fill the cache
            run(empty, self.env)
        walls, rss = [], 0.0
        for _ in range(runs):
            if anchor is not None:
                anchor.append(run(empty, self.env).wall)
            if cold:
                self.clear_cache(root)
            result = run(cmd, self.env)
            if result.status not in (0, 1):
                raise RuntimeError(f"{cmd} exited {result.status}")
            walls.append(result.wall)
            rss = max(rss, result.rss_mb)
        return median(walls), rss

    def frame(self, mode: str, root: Path | None, cold: bool, runs: int,
              anchor: list[float] | None = None) -> tuple[float, float]:
        """Median seconds to the first frame (or rows shown), peak RSS; `anchor`: also a bare
        Textual app's first frame, alternating with ours."""
        me = [self.py, str(Path(__file__).resolve()), "--child", "frame"]
        cmd = [*me, mode, str(self.stamp), str(root or "")]
        if root is not None and not cold:
            in_pty(cmd, self.env, self.stamp)  # fill the cache
        walls, rss = [], 0.0
        for _ in range(runs):
            if anchor is not None:
                anchor.append(in_pty([*me, "bare", str(self.stamp)], self.env, self.stamp).wall)
            if root is not None and cold:
                self.clear_cache(root)
            result = in_pty(cmd, self.env, self.stamp)
            walls.append(result.wall)
            rss = max(rss, result.rss_mb)
        return median(walls), rss

    def child_json(self, *args: str) -> dict[str, float]:
        out = subprocess.run([self.py, str(Path(__file__).resolve()), "--child", *args],
                             env=self.env, capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def tool(self, name: str) -> str | None:
        found = shutil.which(name)
        if found is None:
            self.note(f"`{name}` not found: its anchor is skipped "
                      f"(apt-get install -y {'ripgrep' if name == 'rg' else name})")
        return found

    def measure(self, n: int) -> dict[str, float]:
        runs, cold_runs = self.args.runs, self.args.cold_runs
        root = self.kb(n)
        r: dict[str, float] = {}
        self.log(f"{n:,}: anchors")
        raws, cats, rgs = [], [], []
        for _ in range(runs):
            raws.append(self.child_json("index-raw", str(root))["raw"])
        r["raw read (python)"] = median(raws)
        if self.tool("cat"):
            for _ in range(runs):
                cats.append(run(["sh", "-c", 'find "$0" -name "*.md" -type f -print0 '
                                 '| xargs -0 cat > /dev/null', str(root)], self.env).wall)
            r["cat (find | xargs cat)"] = median(cats)
        if self.tool("rg"):
            for _ in range(runs):
                rgs.append(run(["rg", "-l", "-i", RG_PATTERN, str(root)], self.env).wall)
            r["rg over the tree"] = median(rgs)
        if self.tool("fzf"):
            from opswizard.core import kbindex

            titles = self.work / f"titles-{n}.txt"
            titles.write_text("\n".join(s.title for _, s in kbindex.load(root).entries) + "\n")
            with open(titles, "rb") as handle:
                walls = []
                for _ in range(runs):
                    handle.seek(0)
                    walls.append(run(["fzf", "--filter", FZF_QUERY], self.env,
                                     stdin=handle).wall)
            r["fzf --filter over titles"] = median(walls)
        warm_only = n in self.warm_only
        if warm_only:
            cold_runs = 0
            self.log(f"{n:,}: warm figures only (--warm-only)")
        self.log(f"{n:,}: cold indexing in one process (1 worker, then a pool)")
        singles, pools, index_raw = [], [], []
        for _ in range(cold_runs):
            one = self.child_json("index", str(root), "1")
            singles.append(one["index"])
            index_raw.append(one["raw"])
            pool = self.child_json("index", str(root), str(os.cpu_count() or 1))
            pools.append(pool["index"])
            index_raw.append(pool["raw"])
        r["cold index, 1 process"] = median(singles)
        r["cold index, pool"] = median(pools)
        r["raw read, same process"] = median(index_raw)
        self.log(f"{n:,}: CLI cold")
        r["search cold"], rss_a = self.cli(root, ["search", *QUERY], True, cold_runs)
        r["list --json cold"], rss_b = self.cli(root, ["list", "--json"], True, cold_runs)
        if warm_only:  # the index must exist before the warm runs: built once, not timed
            run([*self.ow, "list", "--kb", str(root)], self.env)
        self.log(f"{n:,}: CLI warm")
        empty_search: list[float] = []
        empty_list: list[float] = []
        r["search warm"], rss_c = self.cli(root, ["search", *QUERY], False, runs, empty_search)
        r["list --json warm"], rss_d = self.cli(root, ["list", "--json"], False, runs,
                                                empty_list)
        r["empty: search"], r["empty: list --json"] = median(empty_search), median(empty_list)
        self.log(f"{n:,}: browser")
        bare: list[float] = []
        r["browser first frame (warm cache)"], rss_e = self.frame("browse", root, False, runs,
                                                                  bare)
        r["bare Textual first frame"] = median(bare)
        r["browser rows shown (warm cache)"], rss_f = self.frame("loaded", root, False, runs)
        if warm_only:
            r["browser first frame (cold cache)"] = r["browser rows shown (cold cache)"] = NAN
            rss_g = rss_h = 0.0
        else:
            r["browser first frame (cold cache)"], rss_g = self.frame("browse", root, True, 1)
            r["browser rows shown (cold cache)"], rss_h = self.frame("loaded", root, True, 1)
        self.log(f"{n:,}: suggestions")
        sug = self.child_json("suggest", str(root))
        for kind in ("tags", "related", "search", "filter"):
            r[f"suggest {kind} median"] = sug[f"{kind}_median"] / 1000
            r[f"suggest {kind} p95"] = sug[f"{kind}_p95"] / 1000
            r[f"suggest {kind} p95 cpu"] = sug[f"cpu_{kind}_p95"] / 1000
        r["peak RSS cold search"] = rss_a
        r["peak RSS cold list"] = rss_b
        r["peak RSS warm search"] = rss_c
        r["peak RSS warm list"] = rss_d
        r["peak RSS browser (warm)"] = max(rss_e, rss_f)
        r["peak RSS browser (cold)"] = max(rss_g, rss_h)
        return r

    def empty(self) -> dict[str, float]:
        """What does not depend on the size (the ratios use the figures measured beside
        each size's own, alternating with them)."""
        runs = self.args.runs
        self.log("bare Textual app, python -c pass")
        r: dict[str, float] = {}
        r["bare Textual first frame"], r["bare Textual RSS"] = self.frame("bare", None, False,
                                                                          runs)
        r["python -c pass"] = median([run([self.py, "-c", "pass"], self.env).wall
                                      for _ in range(runs)])
        return r


# -- the table -------------------------------------------------------------------------------------
def fmt_s(value: float) -> str:
    if value != value:  # NaN
        return "—"
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"


def fmt_ms(value: float) -> str:
    return "—" if value != value else f"{value * 1000:.2f} ms"


ROWS: list[tuple[str, str, str]] = [
    # (label, key, kind)
    ("`opswizard search` cold", "search cold", "s"),
    ("`opswizard search` warm", "search warm", "s"),
    ("`opswizard list --json` cold", "list --json cold", "s"),
    ("`opswizard list --json` warm", "list --json warm", "s"),
    ("cold index in-process, 1 process", "cold index, 1 process", "s"),
    ("cold index in-process, process pool", "cold index, pool", "s"),
    ("browser first frame, warm cache", "browser first frame (warm cache)", "s"),
    ("browser rows shown, warm cache", "browser rows shown (warm cache)", "s"),
    ("browser first frame, cold cache (1 run)", "browser first frame (cold cache)", "s"),
    ("browser rows shown, cold cache (1 run)", "browser rows shown (cold cache)", "s"),
    ("suggest: tags median / p95", "suggest tags", "pair"),
    ("suggest: related median / p95", "suggest related", "pair"),
    ("suggest: search median / p95", "suggest search", "pair"),
    ("browser filter per keystroke median / p95", "suggest filter", "pair"),
    ("suggest: worst p95, CPU time", "suggest cpu", "cpu"),
    ("peak RSS: cold list / warm search", "rss cli", "rss"),
    ("peak RSS: browser warm / cold", "rss browser", "rss2"),
    ("anchor: raw read of every file (Python, own process)", "raw read (python)", "s"),
    ("anchor (beside cold index): raw read, same process", "raw read, same process", "s"),
    ("anchor (beside warm search): `opswizard search`, empty kb", "empty: search", "s"),
    ("anchor (beside warm list): `opswizard list --json`, empty kb", "empty: list --json",
     "s"),
    ("anchor (beside browser): bare Textual app first frame", "bare Textual first frame",
     "s"),
    ("anchor: `find \\| xargs cat`", "cat (find | xargs cat)", "s"),
    ("anchor: `rg -l -i 'connection pool'`", "rg over the tree", "s"),
    ("anchor: `fzf --filter` over titles", "fzf --filter over titles", "s"),
]


def cell(r: dict[str, float], key: str, kind: str) -> str:
    if kind == "s":
        return fmt_s(r.get(key, float("nan")))
    if kind == "pair":
        return f"{fmt_ms(r[key + ' median'])} / {fmt_ms(r[key + ' p95'])}"
    if kind == "cpu":
        return fmt_ms(max(r[f"suggest {k} p95 cpu"]
                          for k in ("tags", "related", "search", "filter")))
    if kind == "rss":
        return f"{r['peak RSS cold list']:.0f} / {r['peak RSS warm search']:.0f} MB"
    return f"{r['peak RSS browser (warm)']:.0f} / {r['peak RSS browser (cold)']:.0f} MB"


def ratios(r: dict[str, float]) -> dict[str, float]:
    """Each against the anchor measured beside it (same process, or alternating runs)."""
    return {
        "warm search / empty-kb search": r["search warm"] / r["empty: search"],
        "cold index / raw read": min(r["cold index, 1 process"], r["cold index, pool"])
        / r["raw read, same process"],
        "browser first frame / bare Textual": r["browser first frame (warm cache)"]
        / r["bare Textual first frame"],
        "peak RSS, warm command or browser (MB)": max(
            r["peak RSS warm search"], r["peak RSS warm list"], r["peak RSS browser (warm)"]),
        "suggestion p95, per keystroke (ms)": 1000 * r["suggest tags p95"],
        "search, related, filter p95, per call (ms)": 1000 * max(
            r[f"suggest {k} p95"] for k in ("related", "search", "filter")),
    }


def report(sizes: list[int], results: dict[int, dict[str, float]], empty: dict[str, float],
           bench: Bench, started: datetime, loads: tuple[list[float], list[float]]) -> str:
    lines = []
    head = "| | " + " | ".join(f"{n:,} entries" for n in sizes) + " |"
    lines += [head, "|---|" + "---:|" * len(sizes)]
    for label, key, kind in ROWS:
        if kind == "s" and all(key not in results[n] for n in sizes):
            continue
        lines.append(f"| {label} | " + " | ".join(cell(results[n], key, kind) for n in sizes)
                     + " |")
    lines.append("")
    bare = fmt_s(empty["bare Textual first frame"])
    lines.append(f"A bare Textual app's first frame alone: {bare}"
                 f" ({empty['bare Textual RSS']:.0f} MB); `python -c pass`: "
                 f"{fmt_s(empty['python -c pass'])}. The anchors marked (beside) were timed "
                 "alternating with the row above them, and give the ratios below.")
    lines.append("")
    lines.append("| target | limit | " + " | ".join(f"{n:,}" for n in sizes) + " |")
    lines.append("|---|---:|" + "---:|" * len(sizes))
    got = {n: ratios(results[n]) for n in sizes}
    for name, limit in TARGETS.items():
        cells = []
        for n in sizes:
            value = got[n][name]
            bound = 4.0 if n >= 100_000 and name.startswith("warm search") else limit
            mark = "met" if value <= bound else "**missed**"
            unit = "x" if "/" in name else ""
            cells.append(f"{value:.2f}{unit} {mark}" if unit else f"{value:.1f} {mark}")
        unit = "x" if "/" in name else ""
        lines.append(f"| {name} | <= {limit:g}{unit} | " + " | ".join(cells) + " |")
    lines.append("")
    before, after = loads
    lines.append(
        f"Measured {started:%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'}: "
        f"{os.cpu_count()} CPUs, {platform.machine()}, Linux {platform.release()}, Python "
        f"{platform.python_version()}; load average {before[0]:.2f} / {before[1]:.2f} / "
        f"{before[2]:.2f} at the start, {after[0]:.2f} / {after[1]:.2f} / {after[2]:.2f} at the "
        f"end. Warm runs: median of {bench.args.runs}; cold runs: median of "
        f"{bench.args.cold_runs}. Files in the page cache (read just before).")
    for text in bench.notes:
        lines.append(f"Note: {text}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000",
                        help="comma separated entry counts (default 1000,10000,50000)")
    parser.add_argument("--runs", type=int, default=5, help="warm runs per figure (median)")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold runs per figure")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "opswizard-bench"),
                        help="where the knowledge bases and the cache go (kept for reuse)")
    parser.add_argument("--fresh", action="store_true", help="write the knowledge bases anew")
    parser.add_argument("--warm-only", default="",
                        help="comma separated sizes measured warm only (no cold figures)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "frame":
            child_frame(rest[0], rest[1], rest[2] if len(rest) > 2 else None)
        elif kind == "index":
            child_index(rest[0], int(rest[1]))
        elif kind == "index-raw":
            child_index_raw(rest[0])
        elif kind == "suggest":
            child_suggest(rest[0])
        return
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    bench = Bench(args)
    started = datetime.now(UTC)
    before = list(os.getloadavg())
    t0 = time.monotonic()
    empty = bench.empty()
    results = {n: bench.measure(n) for n in sizes}
    after = list(os.getloadavg())
    table = report(sizes, results, empty, bench, started, (before, after))
    print(table)
    print(f"\n(total {time.monotonic() - t0:.0f} s; command: python benchmarks/run.py "
          f"--sizes {','.join(map(str, sizes))} --runs {args.runs} "
          f"--cold-runs {args.cold_runs})")
    (bench.work / "last-results.json").write_text(json.dumps(
        {"sizes": sizes, "results": {str(k): v for k, v in results.items()}, "empty": empty},
        indent=1))


def child_index_raw(kb: str) -> None:
    from opswizard.core import store

    start = time.perf_counter()
    total = 0
    for path in store.scan(Path(kb)):
        with open(path, "rb") as handle:
            total += len(handle.read())
    print(json.dumps({"raw": time.perf_counter() - start, "bytes": total}))


if __name__ == "__main__":
    main()

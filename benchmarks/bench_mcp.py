"""`opswizard mcp` at 1,000 and 10,000 entries, beside `opswizard search` on the same files.

    python benchmarks/bench_mcp.py                       # 1,000 and 10,000 entries, 5 runs
    python benchmarks/bench_mcp.py --sizes 1000 --runs 3

For each size, a seeded knowledge base is written (`make_kb.py`, fast mode) with its own
cache folder, and the index cache is warmed by one `opswizard search`. Then, as medians:

- **start to first answer**: from spawning `python -m opswizard mcp --kb KB` (through the
  SDK's own stdio client) to the answer of its first `search_entries` call: interpreter
  start, SDK import, handshake, the freshness scan, the index read from its cache and the
  search postings built;
- **similar_entries** and **search_entries** in a running server: one call each for a set of
  incident descriptions / queries, repeated (the freshness scan of the tree included in each
  call, as it is in use);
- **similar_entries after a change**: one file rewritten before each call (the scan sees it,
  the index and postings are rebuilt);
- the same two calls in process (the server's `Backend` and output bounding, no protocol),
  wall and CPU time: CPU time is what a busy machine cannot inflate;
- anchors measured in the same run: `opswizard search QUERY --kb KB` as a whole process on the
  warm cache, `python -c pass`, and `python -c "import mcp.server.mcpserver"` (the SDK's import).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_kb  # noqa: E402

DESCRIPTIONS = [
    "API Gateway returning 502s, connection timeouts and pool exhausted errors in the logs",
    "Memory Service RSS grows after the deploy until the OOM killer restarts pods",
    "handshake failures for every client of Auth Service since midnight, certificate?",
    "Message Queue consumers minutes behind, backlog growing during the sale",
    "p99 latency above 2 seconds on Search Cluster after a schema migration",
]
QUERIES = ["connection pool exhausted", "oom after deploy", "tls certificate expiry",
           "queue backlog consumers", "slow queries index"]


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


async def _first_answer(kb: Path, env: dict[str, str]) -> tuple[float, float]:
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(command=sys.executable,
                                   args=["-m", "opswizard", "mcp", "--kb", str(kb)], env=env)
    with open(os.devnull, "w") as devnull:
        start = time.perf_counter()
        async with Client(stdio_client(params, errlog=devnull), cache=None,
                          read_timeout_seconds=600) as client:
            ready = time.perf_counter()
            result = await client.call_tool("search_entries", {"query": QUERIES[0]})
            done = time.perf_counter()
            assert not result.is_error, result.content
    return ready - start, done - start


async def _in_server(kb: Path, env: dict[str, str], runs: int) -> dict[str, list[float]]:
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(command=sys.executable,
                                   args=["-m", "opswizard", "mcp", "--kb", str(kb)], env=env)
    times: dict[str, list[float]] = {"similar": [], "search": [], "changed": []}
    victim = next(kb.rglob("*.md"))
    original = victim.read_text(encoding="utf-8")
    with open(os.devnull, "w") as devnull:
        async with Client(stdio_client(params, errlog=devnull), cache=None,
                          read_timeout_seconds=600) as client:
            await client.call_tool("search_entries", {"query": "warm up"})
            for _ in range(runs):
                for text in DESCRIPTIONS:
                    start = time.perf_counter()
                    result = await client.call_tool("similar_entries", {"description": text})
                    times["similar"].append(time.perf_counter() - start)
                    assert not result.is_error, result.content
                for query in QUERIES:
                    start = time.perf_counter()
                    result = await client.call_tool("search_entries", {"query": query})
                    times["search"].append(time.perf_counter() - start)
                    assert not result.is_error, result.content
            try:
                for n in range(runs):
                    victim.write_text(original.replace("Add a load test",
                                                       f"Add a load test ({n})"),
                                      encoding="utf-8")
                    start = time.perf_counter()
                    result = await client.call_tool("similar_entries",
                                                    {"description": DESCRIPTIONS[0]})
                    times["changed"].append(time.perf_counter() - start)
                    assert not result.is_error, result.content
            finally:
                victim.write_text(original, encoding="utf-8")
    return times


def _wall(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=600)
    return time.perf_counter() - start


def in_process(kb: Path, cache: Path, runs: int) -> dict[str, float]:
    """similar_entries and search_entries through the server's own functions, in this
    process: (wall, cpu) medians of each call, the freshness scan included."""
    os.environ["XDG_CACHE_HOME"] = str(cache)
    from opswizard.mcp import output
    from opswizard.mcp.backend import Backend

    backend = Backend(kb)
    backend.search("warm up", 5)
    walls: dict[str, list[float]] = {"similar": [], "search": []}
    cpus: dict[str, list[float]] = {"similar": [], "search": []}
    for _ in range(runs):
        for kind, texts in (("similar", DESCRIPTIONS), ("search", QUERIES)):
            for text in texts:
                wall, cpu = time.perf_counter(), time.process_time()
                hits = (backend.similar(text, 5) if kind == "similar"
                        else backend.search(text, 5))
                output.bound([[f.key, f.summary.title, why] for f, _, why in hits])
                walls[kind].append(time.perf_counter() - wall)
                cpus[kind].append(time.process_time() - cpu)
    return {f"{kind} in process, {clock}": median_ms(values[kind])
            for kind in ("similar", "search")
            for clock, values in (("wall", walls), ("cpu", cpus))}


def measure(n: int, runs: int, work: Path) -> dict[str, float]:
    kb = work / f"kb-{n}"
    env = {**os.environ, "XDG_CACHE_HOME": str(work / f"cache-{n}"),
           "XDG_STATE_HOME": str(work / f"state-{n}")}
    if not kb.exists():
        make_kb.write(kb, n, fast=True)
    py = sys.executable
    search = [py, "-m", "opswizard", "search", "--kb", str(kb), QUERIES[0]]
    _wall(search, env)  # warm the index cache
    out: dict[str, float] = {}
    readies, firsts, cli = [], [], []
    for _ in range(runs):  # alternate, so both see the same machine load
        ready, first = anyio.run(_first_answer, kb, env)
        readies.append(ready)
        firsts.append(first)
        cli.append(_wall(search, env))
    out["handshake done"] = median_ms(readies)
    out["start to first answer"] = median_ms(firsts)
    out["opswizard search (process)"] = median_ms(cli)
    times = anyio.run(_in_server, kb, env, runs)
    out["similar_entries"] = median_ms(times["similar"])
    out["search_entries"] = median_ms(times["search"])
    out["similar_entries after a change"] = median_ms(times["changed"])
    out.update(in_process(kb, work / f"cache-{n}", runs))
    out["python -c pass"] = median_ms([_wall([py, "-c", "pass"], env) for _ in range(runs)])
    out["import the SDK"] = median_ms([_wall([py, "-c", "import mcp.server.mcpserver"], env)
                                       for _ in range(runs)])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, help="Keep the generated knowledge bases here.")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="opswizard-bench-mcp-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results = {n: measure(n, args.runs, work) for n in sizes}
    names = list(next(iter(results.values())))
    print("| measure (median ms) | " + " | ".join(f"{n:,} entries" for n in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for name in names:
        print(f"| {name} | " + " | ".join(f"{results[n][name]:,.0f}" for n in sizes) + " |")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} "
          f"({os.cpu_count()} CPUs), {args.runs} runs")


if __name__ == "__main__":
    main()

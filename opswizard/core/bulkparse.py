"""Parse many files into summaries: in this process, or in a pool of processes where it pays.

Cold indexing parses in a pool of processes when there are many files and more than one
CPU (`PARALLEL_MIN`; see BENCHMARKS.md for what it buys), else in this process. The pool
uses `spawn` (the app runs threads, and a forked child may inherit a held lock).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from .summary import Summary, summarize

PARALLEL_MIN = 1500  # files to parse before a process pool pays for its start
CHUNK = 250  # files per task sent to a worker process

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` while files are parsed (total: files to parse)."""

Item = tuple[str, str, bytes]  # key, path, bytes


def _summarize_chunk(items: list[Item]) -> list[Summary]:
    return [summarize(key, data, Path(path)) for key, path, data in items]


def parse_all(items: list[Item], progress: Progress | None = None,
              workers: int | None = None) -> list[Summary]:
    """The summary of each (key, path, bytes), in order. `workers`: processes (None: decided
    by the number of files)."""
    total = len(items)
    if workers is None:
        workers = (os.cpu_count() or 1) if total >= PARALLEL_MIN else 1
    if progress:
        progress(0, total)
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if main_file and not os.path.exists(main_file):  # `python - <script`: spawn cannot
        workers = 1  # start a child (it re-imports the main module by its path)
    if workers > 1 and total > CHUNK:
        try:
            return _parse_pool(items, progress, workers)
        except Exception:  # no processes to be had here (a sandbox...): parse in this one
            pass
    out: list[Summary] = []
    for n, (key, path, data) in enumerate(items, 1):
        out.append(summarize(key, data, Path(path)))
        if progress and (n % 100 == 0 or n == total):
            progress(n, total)
    return out


def _parse_pool(items: list[Item], progress: Progress | None, workers: int) -> list[Summary]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("spawn")
    _start_resource_tracker()
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    results: list[list[Summary]] = [[] for _ in chunks]
    done = 0
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=context) as pool:
        futures = {pool.submit(_summarize_chunk, chunk): n for n, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            n = futures[future]
            results[n] = future.result()
            done += len(chunks[n])
            if progress:
                progress(done, len(items))
    return [summary for chunk in results for summary in chunk]


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with a real stderr: inside the Textual app
    `sys.stderr` is a capture whose `fileno()` is -1, which the tracker cannot be given."""
    try:
        if sys.stderr is not None and sys.stderr.fileno() >= 0:
            return
    except (AttributeError, OSError, ValueError):
        pass
    from multiprocessing import resource_tracker

    saved = sys.stderr
    with open(os.devnull, "w") as null:
        sys.stderr = null
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved

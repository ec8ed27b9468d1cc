"""Parse many files into summaries: in this process, or in a pool of processes where it pays.

Cold indexing parses in a pool of processes when there are many files and more than one
CPU (`PARALLEL_MIN`; see BENCHMARKS.md for what it buys), else in this process. The pool
uses `spawn` (the app runs threads, and a forked child may inherit a held lock).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from .kbschema import Record, record
from .summary import Summary, summarize

PARALLEL_MIN = 1500  # files to parse before a process pool pays for its start
CHUNK = 250  # files per task sent to a worker process

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` while files are parsed (total: files to parse)."""

Item = tuple[str, str, bytes]  # key, path, bytes
File = tuple[str, str]  # key, path
I = TypeVar("I")  # noqa: E741
T = TypeVar("T")


def _summarize_chunk(items: list[Item]) -> list[Summary]:
    return [summarize(key, data, Path(path)) for key, path, data in items]


def _index_chunk(files: list[File]) -> list[tuple[Record, bool]]:
    from .kbscan import read
    from .summary import broken

    out = []
    for key, path in files:
        data, error = read(path)
        if data is None:
            out.append((record(broken(Path(path), key, error)), False))
        else:
            out.append((record(summarize(key, data, Path(path))), True))
    return out


def index_files(files: list[File], progress: Progress | None = None,
                workers: int | None = None) -> list[tuple[Record, bool]]:
    """Each (key, path)'s index rows (`kbschema.record`), in order, and False where the file
    could not be read (its rows then say why): what a whole rebuild inserts. Each file is
    read where it is parsed (in a pool's workers: the parent only scans and inserts), and
    a worker sends back plain tuples (cheap to pickle) with the search terms already cut."""
    return _run(_index_chunk, files, progress, workers)


def parse_all(items: list[Item], progress: Progress | None = None,
              workers: int | None = None) -> list[Summary]:
    """The summary of each (key, path, bytes), in order. `workers`: processes (None: decided
    by the number of files)."""
    return _run(_summarize_chunk, items, progress, workers)


def _run(work: Callable[[list[I]], list[T]], items: Sequence[I], progress: Progress | None,
         workers: int | None) -> list[T]:
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
            return _parse_pool(work, items, progress, workers)
        except Exception:  # no processes to be had here (a sandbox...): parse in this one
            pass
    out: list[T] = []
    for start in range(0, total, 100):
        out.extend(work(list(items[start:start + 100])))
        if progress:
            progress(len(out), total)
    return out


def _parse_pool(work: Callable[[list[I]], list[T]], items: Sequence[I],
                progress: Progress | None, workers: int) -> list[T]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("spawn")
    _start_resource_tracker()
    chunks = [list(items[i:i + CHUNK]) for i in range(0, len(items), CHUNK)]
    results: list[list[T]] = [[] for _ in chunks]
    done = 0
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=context) as pool:
        futures = {pool.submit(work, chunk): n for n, chunk in enumerate(chunks)}
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

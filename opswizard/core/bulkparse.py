"""Parse many files into summaries: in this process, or in a pool of processes where it pays.

Cold indexing parses in a pool of processes when there are many files and more than one
CPU (`PARALLEL_MIN`; see BENCHMARKS.md for what it buys), else in this process. The pool
forks on Linux when this process runs a single thread (a command: the workers start at
once, the parser already imported), else it spawns (the app runs threads, and a forked
child may inherit a lock another thread held).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

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


_POOL_MODULES = ("multiprocessing", "concurrent.futures.process")
_warming: list[threading.Thread] = []


def warm_up(workers: int | None = None) -> None:
    """Start importing, in a thread, what parsing needs: the summary reader (about 30 ms)
    and, unless `workers` is 1 or there is one CPU, what starts a pool (about 15 ms). The
    caller lists the tree meanwhile (mostly waiting for `find`): a pool's processes, forked
    once the thread is done (`_chunks` waits for it), inherit the modules instead of each
    importing them for its first chunk."""
    pool = workers != 1 and (os.cpu_count() or 1) > 1
    wanted = ("opswizard.core.fastsummary", *(_POOL_MODULES if pool else ()))
    if all(name in sys.modules for name in wanted):
        return
    thread = threading.Thread(target=_import, args=(wanted,), daemon=True)
    thread.start()
    _warming.append(thread)


def _import(names: tuple[str, ...]) -> None:
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # imported (and failing) again where it is used
            return


def _warmed() -> None:
    """Wait for `warm_up`'s threads: a pool forks from a process running one thread."""
    while True:
        try:
            thread = _warming.pop()  # (two rebuilds in two threads may both be here)
        except IndexError:
            return
        thread.join()


def _summarize_chunk(items: list[Item]) -> list[Summary]:
    return [summarize(key, data, Path(path)) for key, path, data in items]


def _index_chunk(files: list[File]) -> list[tuple[Record, bool]]:
    from .kbscan import read
    from .summary import broken

    out = []
    for key, path in files:  # no `Path` made per file (about 5 µs each): a row has no path
        data, error = read(path)
        if data is None:
            out.append((record(broken(Path(path), key, error)), False))
        else:  # (a file that is not an entry is named by its key's last part: its name)
            out.append((record(summarize(key, data)), True))
    return out


def _index_chunk_packed(files: list[File]) -> bytes:
    """`_index_chunk` as a pool's worker sends it: marshalled (plain tuples, strings and
    numbers: half the cost of pickling them, both ways). The cycle collector is off while
    it runs (a worker's chunk makes no cycles worth collecting mid-way, and its passes over
    the young objects cost 4% of the parse); it runs as usual between chunks."""
    import gc
    import marshal

    was = gc.isenabled()
    gc.disable()
    try:
        return marshal.dumps(_index_chunk(files))
    finally:
        if was:
            gc.enable()


def index_chunks(files: list[File], progress: Progress | None = None,
                 workers: int | None = None) -> Iterator[list[tuple[Record, bool]]]:
    """Each (key, path)'s index rows (`kbschema.record`), and False where the file could not
    be read (its rows then say why), chunk by chunk, in order, as they are parsed: the
    caller (a whole rebuild) inserts a chunk while the pool parses the next ones. Each file
    is read where it is parsed (in a pool's workers: the parent only scans and inserts),
    and a worker sends back plain tuples, marshalled, with the search terms already cut. A
    pool is started before this returns (so it forks before the caller opens a
    database)."""
    return _chunks(_index_chunk, files, progress, workers, _index_chunk_packed)


def parse_all(items: list[Item], progress: Progress | None = None,
              workers: int | None = None) -> list[Summary]:
    """The summary of each (key, path, bytes), in order. `workers`: processes (None: decided
    by the number of files)."""
    return _run(_summarize_chunk, items, progress, workers)


def _run(work: Callable[[list[I]], list[T]], items: Sequence[I], progress: Progress | None,
         workers: int | None) -> list[T]:
    return [got for chunk in _chunks(work, items, progress, workers) for got in chunk]


def _chunks(work: Callable[[list[I]], list[T]], items: Sequence[I], progress: Progress | None,
            workers: int | None, packed: Callable[[list[I]], bytes] | None = None
            ) -> Iterator[list[T]]:
    """`work` over the items, chunk by chunk, in order (`packed`: the same work returning
    its result marshalled, which a pool's worker runs instead)."""
    total = len(items)
    if workers is None:
        workers = (os.cpu_count() or 1) if total >= PARALLEL_MIN else 1
    if progress:
        progress(0, total)
    if workers > 1:
        _warmed()
    context = start_context()
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if context == "spawn" and main_file and not os.path.exists(main_file):
        workers = 1  # `python - <script`: spawn cannot start a child (it re-imports the
        # main module by its path)
    chunks = [list(items[i:j]) for i, j in _bounds(total, workers)]
    if workers > 1 and len(chunks) > 1:
        try:
            pool, futures = _start_pool(packed or work, chunks, workers, context)
        except Exception:  # no processes to be had here (a sandbox...): parse in this one
            pass
        else:
            return _pool_results(pool, futures, chunks, work, progress, total,
                                 packed is not None)
    return _here(work, chunks, 0, 0, progress, total)


def _bounds(total: int, workers: int) -> list[tuple[int, int]]:
    """Where each chunk starts and ends: CHUNK files each, then a fifth of that over the
    last CHUNK * workers files (a worker left alone with a whole chunk at the end keeps
    the other cores idle for up to one chunk's time)."""
    tail, small = max(total - CHUNK * max(workers, 1), 0), max(CHUNK // 5, 1)
    tail -= tail % CHUNK
    return ([(i, i + CHUNK) for i in range(0, tail, CHUNK)]
            + [(i, min(i + small, total)) for i in range(tail, total, small)])


def _here(work: Callable[[list[I]], list[T]], chunks: list[list[I]], first: int, done: int,
          progress: Progress | None, total: int) -> Iterator[list[T]]:
    """Parse chunks[first:] in this process (100 files at a time, for the progress)."""
    for chunk in chunks[first:]:
        for start in range(0, len(chunk), 100):
            part = work(chunk[start:start + 100])
            done += len(part)
            if progress:
                progress(done, total)
            yield part


def start_context() -> str:
    """How the pool starts its processes: "fork" on Linux when this process runs one
    thread (nothing can hold a lock the child would inherit), else "spawn"."""
    import threading

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _start_pool(work: Callable[[list[I]], object], chunks: list[list[I]], workers: int,
                method: str) -> tuple[ProcessPoolExecutor, list[Future[object]]]:
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _start_resource_tracker()
    pool = ProcessPoolExecutor(max_workers=min(workers, len(chunks)),
                               mp_context=multiprocessing.get_context(method))
    if method == "fork":  # the children's collector leaves what they inherit alone
        gc.freeze()
    try:
        futures = [pool.submit(work, chunk) for chunk in chunks]  # forks at the first
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        if method == "fork":
            gc.unfreeze()
    return pool, futures


def _pool_results(pool: ProcessPoolExecutor, futures: list[Future[object]],
                  chunks: list[list[I]], work: Callable[[list[I]], list[T]],
                  progress: Progress | None, total: int, packed: bool) -> Iterator[list[T]]:
    """The pool's chunks in order; if the pool breaks, the rest parsed in this process."""
    import gc
    import marshal

    def loads(data: bytes) -> object:
        """`marshal.loads`, the cycle collector off meanwhile (one C call: no other code runs
        until it is back on). Its passes over the ~50,000 tuples a chunk of 250 files holds
        cost three times the loading itself."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            return marshal.loads(data)
        finally:
            if collecting:
                gc.enable()

    done = 0
    try:
        for n, future in enumerate(futures):
            try:
                result = future.result()
                got = cast("list[T]", loads(cast(bytes, result)) if packed else result)
            except Exception:  # the pool broke (a worker killed...): the rest here
                pool.shutdown(wait=False, cancel_futures=True)
                yield from _here(work, chunks, n, done, progress, total)
                return
            done += len(chunks[n])
            if progress:
                progress(done, total)
            yield got
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


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

"""The browser's first frame beside a bare Textual app's, alternating, one knowledge base.

    python benchmarks/bench_first_frame.py KB [--runs 7] [--mode browse|loaded]

Both are started in a pseudo-terminal by `run.py`'s `in_pty` and timed until their first
paint (`run.py --child frame`); the index cache must be warm (one untimed run first).
Prints the medians, the ratio and the browser's peak RSS.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import REPO, in_pty, median  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kb")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--mode", default="browse", choices=("browse", "loaded"))
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    stamp = Path(env.get("TMPDIR", "/tmp")) / f"frame-{os.getpid()}.stamp"
    me = [sys.executable, str(HERE / "run.py"), "--child", "frame"]
    ours = [*me, args.mode, str(stamp), str(Path(args.kb).resolve())]
    bare = [*me, "bare", str(stamp)]
    in_pty(ours, env, stamp)  # warm the index cache and the file cache
    walls, anchors, rss = [], [], 0.0
    for _ in range(args.runs):
        anchors.append(in_pty(bare, env, stamp).wall)
        result = in_pty(ours, env, stamp)
        walls.append(result.wall)
        rss = max(rss, result.rss_mb)
    print(f"{args.mode}: {median(walls):.3f} s, bare: {median(anchors):.3f} s, "
          f"ratio {median(walls) / median(anchors):.2f}x, peak RSS {rss:.0f} MB "
          f"(runs {[round(w, 2) for w in walls]} / {[round(a, 2) for a in anchors]})")


if __name__ == "__main__":
    main()

"""A load killed with SIGKILL while its worker processes validate leaves no process behind: the
workers (and so multiprocessing's resource tracker, which lives as long as any of them holds its
pipe) end on their own when the process that started them dies."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from tests.conftest import REPO

# The child: a streamed load (three sheets a batch, the real worker pool) that stops in the
# parent after the first batch came back, with the next batches in flight in the workers, and
# says so on stdout. The test kills it there.
CHILD = """
import asyncio, sys, threading
from pathlib import Path

import storage.load.pipeline
from storage.store import Store
from tests.factory import write_sheet

storage.load.pipeline.STREAM_AT = 2
storage.load.pipeline.BATCH = 3
root = Path(sys.argv[1])
for i in range(12):
    write_sheet(root / "seeds" / f"a{i}", f"a{i}", positions=3)

def validating(*args, **kwargs):
    print("validating", flush=True)
    threading.Event().wait()

storage.load.pipeline.compare_batch = validating

async def main():
    store = await Store.open(root / "db.sqlite3")
    await store.load(root / "seeds")

asyncio.run(main())
"""


def processes_with(marker: str) -> set[int]:
    """Every live process whose environment carries ``marker`` (what the child started inherits
    its environment, wherever it is re-parented)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if marker.encode() in environ.split(b"\0"):
            found.add(int(entry.name))
    return found


def wait_for_exit(pids: set[int], timeout: float) -> set[int]:
    """The processes of ``pids`` still alive after ``timeout`` seconds, waiting on their pidfds
    (woken by each exit, never polling)."""
    fds = {}
    for pid in pids:
        try:
            fds[os.pidfd_open(pid)] = pid
        except ProcessLookupError:
            continue  # already gone
    try:
        remaining = dict(fds)
        while remaining:
            ready, _, _ = select.select(list(remaining), [], [], timeout)
            if not ready:
                break
            for fd in ready:
                del remaining[fd]
        return set(remaining.values())
    finally:
        for fd in fds:
            os.close(fd)


def test_a_load_killed_mid_validation_leaves_no_process_behind(tmp_path: Path) -> None:
    marker = f"NEWSBOT_ORPHAN_TEST={uuid.uuid4().hex}"
    name, value = marker.split("=")
    env = {**os.environ, name: value, "PYTHONPATH": str(REPO)}
    with subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO) as child:
        try:
            assert child.stdout is not None
            assert child.stderr is not None
            # A guard, never reached when sound: a child that never gets there fails the test.
            ready, _, _ = select.select([child.stdout], [], [], 60)
            assert ready, "the load never reached its validation"
            line = child.stdout.readline()
            assert line == b"validating\n", child.stderr.read()
            started = processes_with(marker) - {child.pid}
            # The workers at least (os.cpu_count() of them on a first load), and the tracker.
            assert len(started) >= 2, started
            child.send_signal(signal.SIGKILL)
            child.wait()
            left = wait_for_exit(started, timeout=10)
            assert not left, f"still running after the load was killed: {sorted(left)}"
        finally:
            child.kill()
            for pid in processes_with(marker):
                os.kill(pid, signal.SIGKILL)

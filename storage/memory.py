"""A load's memory: no full garbage collections while it runs, and what it freed given back
to the system after it.

A load of many sheets allocates and frees hundreds of megabytes of small objects (parsed
sheets, rows, the writer's page cache). The C allocator (glibc's malloc) keeps what was freed
for reuse, scattered over the arenas of the threads that freed it, so the bot's resident memory
stayed at the load's high-water mark for the rest of its life, and later answers and reloads
grew from there. ``release`` hands the free pages back; elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
from collections.abc import AsyncIterator, Callable

_trim: Callable[[int], int] | None = None
try:
    _trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
except (OSError, AttributeError):  # not glibc: nothing to call
    _trim = None


def release() -> bool:
    """Return the allocator's free memory to the system (a few ms: run it off the event
    loop). True if it could be asked."""
    if _trim is None:
        return False
    _trim(0)
    return True


@contextlib.asynccontextmanager
async def no_full_collections() -> AsyncIterator[None]:
    """For the length of a load, Python's cyclic garbage collector makes no full collection.
    A load allocates (parsing, validating, rows) enough for full collections to run during
    it, and each walked the whole heap, the bot's caches included, holding the GIL and so the
    event loop for tens of milliseconds. The young generations are still collected
    (each walks only what was allocated since the one before); full collections resume
    after the last load running in the process ends. A threshold, not gc.freeze(): unfreezing
    after a load would undo the bot's freeze of what start-up built (bot.client)."""
    global _loads_running, _saved_threshold
    if _loads_running == 0:
        _saved_threshold = gc.get_threshold()
        gc.set_threshold(_saved_threshold[0], _saved_threshold[1], NO_FULL_COLLECTIONS)
    _loads_running += 1
    try:
        yield
    finally:
        _loads_running -= 1
        if _loads_running == 0:
            gc.set_threshold(*_saved_threshold)


NO_FULL_COLLECTIONS = 1 << 30  # the oldest generation's threshold during loads
_loads_running = 0
_saved_threshold: tuple[int, int, int] = gc.get_threshold()

"""Giving the memory a load freed back to the system.

A load of many sheets allocates and frees hundreds of megabytes of small objects (parsed
sheets, rows, the writer's page cache). The C allocator (glibc's malloc) keeps what was freed
for reuse, scattered over the arenas of the threads that freed it, so the bot's resident memory
stayed at the load's high-water mark for the rest of its life, and later answers and reloads
grew from there. ``release`` hands the free pages back; elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable

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

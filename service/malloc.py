"""glibc's allocator set for Oxigraph: fixed thresholds instead of the dynamic ones.

By default glibc raises its mmap threshold as big blocks are freed and gives the top of the heap back
to the system whenever 128 KiB are free there. Oxigraph allocates and frees large buffers for every
join and sort, so inside a long-lived Python process those pages were returned and faulted in again
on every query: the same open-points query over 4.4 million quads took 2.3 s in pyoxigraph and 0.8 s
in `oxigraph serve` (same version, same files). With the thresholds fixed (the `mallopt` calls below,
or ``GLIBC_TUNABLES``) pyoxigraph takes 0.87 s. Set ``RATSGRAPH_MALLOC_TUNING=0`` to leave glibc's
defaults; elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import os

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
TRIM_THRESHOLD = 128 * 1024 * 1024  # give memory back only when 128 MiB are free at the top
MMAP_THRESHOLD = 32 * 1024 * 1024  # blocks below 32 MiB (glibc's maximum) come from the heap


def tune_malloc() -> bool:
    """Fix glibc's trim and mmap thresholds for this process; True if they were set."""
    if os.environ.get("RATSGRAPH_MALLOC_TUNING", "1").lower() in ("0", "false", "no"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)) and bool(
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    )

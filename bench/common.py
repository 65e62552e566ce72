"""What the benchmarks share: datasets by size, stores built from them, servers, and statistics.

Datasets live in ``bench/out/<size>/`` (git-ignored): ``docs/`` (generated texts) and ``store/``
(an on-disk store made from them by ``ratsgraph load``, once). Benchmarks copy what they need.
"""

from __future__ import annotations

import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def machine() -> str:
    """One line on where a figure was measured."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, "
        f"pyoxigraph {ox.__version__}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def docs_dir(size: int) -> Path:
    """Generated texts for ``size`` resolutions (made once, seed 1)."""
    from generate import generate  # noqa: PLC0415

    out = OUT / str(size) / "docs"
    if not (out / "truth.jsonl").exists():
        generate(size, out, seed=1)
    return out


def store_dir(size: int) -> Path:
    """An on-disk store holding the dataset, made once by `ratsgraph load` into a new folder (the
    bulk path: extraction on every core, streamed into Oxigraph's bulk loader)."""
    target = OUT / str(size) / "store"
    if not target.exists():
        exe = Path(sys.executable).parent / "ratsgraph"
        subprocess.run(
            [str(exe), "load", str(docs_dir(size)), "--store", str(target), "--bulk"],
            stdout=subprocess.DEVNULL,
            cwd=ROOT,
            check=True,
        )
    return target


def copy_store(size: int, dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(store_dir(size), dest)
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    import urllib.error  # noqa: PLC0415
    import urllib.request  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def start_oxigraph(location: Path) -> tuple[subprocess.Popen, str]:
    """`oxigraph serve` on the store at ``location``: (process, base URL). Without
    ``--union-default-graph``: ratsgraph keeps the default graph as the merge itself."""
    port = free_port()
    exe = Path(sys.executable).parent / "oxigraph"
    proc = subprocess.Popen(
        [str(exe), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/query?query=ASK%7B%7D", proc)
    return proc, base


def _field_kib(pid: int, file: str, field: str) -> int | None:
    """A ``field:`` line of ``/proc/<pid>/<file>`` in KiB, None where the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def server_settings(base: dict[str, str], given: list[str]) -> dict[str, str]:
    """``RATSGRAPH_*`` variables for a server under test: ``base``, then each ``NAME=VALUE`` given
    (values as the server reads them: JSON where they parse as JSON, else text)."""
    env = dict(base)
    for item in given:
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(
                f"--setting expects NAME=VALUE (a name of service/config.py), got {item!r}"
            )
        env[f"RATSGRAPH_{name}"] = value
    return env


def family(pid: int) -> set[int]:
    """A process and its descendants, right now."""
    pids, found = {pid}, True
    while found:
        found = False
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent in pids and int(stat.parent.name) not in pids:
                pids.add(int(stat.parent.name))
                found = True
    return pids


def largest_peak_mib(pid: int) -> float:
    """The largest peak RSS (VmHWM, MiB) among a process and its descendants, right now."""
    peaks = [_field_kib(p, "status", "VmHWM") for p in family(pid)]
    return max((kib / 1024 for kib in peaks if kib is not None), default=0.0)


def family_pss_mib(pid: int) -> tuple[float, int]:
    """Memory of a process and its descendants together, right now: the sum of their PSS (each
    page shared by n of them counted 1/n in each, so pages a fork still shares count once), in
    MiB, and how many processes there were."""
    pss = [_field_kib(p, "smaps_rollup", "Pss") for p in family(pid)]
    found = [kib for kib in pss if kib is not None]
    return sum(found) / 1024, len(found)

"""Extraction speed: documents per second on one core (median of repeated passes over the corpus).

Run: ``.venv/bin/python bench/bench_extract.py [REPEATS]``. Reading files and loading the reference
data are outside the timed loop; what is timed is ``extract_text`` on each text.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loader.extract import extract_text  # noqa: E402
from loader.reference import load_reference  # noqa: E402

CORPUS = Path("/work/shared/corpus")


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    paths = sorted((CORPUS / "ratsinfo" / "files").glob("*.txt")) + sorted(
        (CORPUS / "documents").glob("*.txt")
    )
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in paths]
    reference = load_reference()
    for name, text in texts:  # warm-up (regex compilation, caches)
        extract_text(text, name, reference)
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for name, text in texts:
            extract_text(text, name, reference)
        rates.append(len(texts) / (time.perf_counter() - start))
    chars = sum(len(t) for _, t in texts)
    print(f"{len(texts)} documents ({chars} characters), {repeats} passes")
    print(
        f"median {statistics.median(rates):.1f} documents/s (min {min(rates):.1f}, max {max(rates):.1f})"
    )


if __name__ == "__main__":
    main()

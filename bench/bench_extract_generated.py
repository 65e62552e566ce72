"""Extraction speed: generated documents per second on one core (median of repeated runs).

Run: ``.venv/bin/python bench/bench_extract.py [--docs 400] [--runs 5]``. Also checks the extractor
against the generator's truth (points and delegations per Beschlussausfertigung), so a fast but
wrong extractor does not look good.
"""

from __future__ import annotations

import argparse
import json
import time

from common import docs_dir, machine, median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=1000)
    args = parser.parse_args()

    from loader.extract import extract_file  # noqa: PLC0415
    from loader.reference import load_reference  # noqa: PLC0415

    folder = docs_dir(args.size)
    files = sorted(folder.glob("*.txt"))[: args.docs]
    reference = load_reference("dresden")
    rates = []
    for _ in range(args.runs):
        start = time.perf_counter()
        results = [extract_file(f, reference) for f in files]
        rates.append(len(files) / (time.perf_counter() - start))

    truth = {}
    for line in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        t = json.loads(line)
        truth[t["vorlage"]] = t
    checked = right = 0
    for f, ex in zip(files, results, strict=True):
        if not f.stem.endswith("Beschlussausfertigung") or ex.vorlage not in truth:
            continue
        t = truth[ex.vorlage]
        checked += 1
        delegations = sum(bool(p.delegations) for p in ex.points)
        right += len(ex.points) == t["points"] and delegations == t["delegations"]

    print(f"machine: {machine()}")
    print(f"documents: {len(files)} of bench/out/{args.size}/docs, runs: {args.runs}")
    print(f"extraction: {median(rates):.1f} documents/s on one core (median; runs: "
          f"{', '.join(f'{r:.1f}' for r in rates)})")  # fmt: skip
    print(f"Beschlussausfertigungen with points and delegations as generated: {right}/{checked}")


if __name__ == "__main__":
    main()

"""What the extractor finds in every real text we have, labelled or not: a check without labels.

Per kind: how many documents, and the share with points, with a body (committee), with
signatories, with a document date and with warnings; then every document whose kind came out
``other`` and why. A class of documents the labels do not cover shows up here as a kind with few
points or bodies, or as a run of ``other``.

Run: ``.venv/bin/python bench/coverage.py [FOLDER ...]`` (default: the shared corpus' ratsinfo,
unlabelled and documents folders, and tests/data/ratsinfo).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path("/work/shared/corpus")
DEFAULT_FOLDERS = (
    SHARED / "ratsinfo" / "files",
    SHARED / "unlabelled" / "files",
    SHARED / "documents",
    ROOT / "tests" / "data" / "ratsinfo",
)
MEASURES = ("points", "body", "signatories", "document date", "warnings")


def texts(folders: list[Path]) -> list[Path]:
    """Every ``*.txt`` of the folders, each file once (a folder that does not exist is skipped)."""
    seen: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
            seen.setdefault(path.name, path)
    return list(seen.values())


def survey(paths: list[Path]) -> tuple[dict[str, dict[str, int]], list[tuple[str, str]]]:
    """Counts per kind (``n`` and one per measure) and the documents of kind ``other``."""
    sys.path.insert(0, str(ROOT))
    from loader.extract import extract_file

    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(("n", *MEASURES), 0))
    others: list[tuple[str, str]] = []
    for path in paths:
        ext = extract_file(path)
        c = counts[ext.kind]
        c["n"] += 1
        c["points"] += bool(ext.points)
        c["body"] += ext.committee is not None
        c["signatories"] += bool(ext.signatories)
        c["document date"] += ext.document_date is not None
        c["warnings"] += bool(ext.warnings)
        if ext.kind == "other":
            others.append((str(path), ext.reason or ""))
    return dict(counts), others


def report(counts: dict[str, dict[str, int]], others: list[tuple[str, str]]) -> str:
    lines = [f"{'kind':24s} {'n':>4s} " + " ".join(f"{m:>14s}" for m in MEASURES)]
    for kind in sorted(counts, key=lambda k: -counts[k]["n"]):
        c = counts[kind]
        shares = " ".join(f"{100 * c[m] / c['n']:13.0f}%" for m in MEASURES)
        lines.append(f"{kind:24s} {c['n']:4d} {shares}")
    total = sum(c["n"] for c in counts.values())
    lines.append(f"{'all':24s} {total:4d}")
    lines.append(f"\n{len(others)} documents of kind other:")
    lines += [f"  {path}: {reason}" for path, reason in others]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folders", nargs="*", type=Path, help="folders of .txt files")
    args = ap.parse_args(argv)
    folders = args.folders or list(DEFAULT_FOLDERS)
    missing = [str(f) for f in args.folders if not f.is_dir()]
    if missing:
        ap.error(f"not a folder: {', '.join(missing)}")
    paths = texts(folders)
    if not paths:
        ap.error(f"no .txt files in {', '.join(map(str, folders))}")
    print(report(*survey(paths)))


if __name__ == "__main__":
    main()

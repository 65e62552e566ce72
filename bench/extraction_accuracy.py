"""Per-field extraction accuracy over the corpus, listing every miss (file, field, expected, got).

Run: ``.venv/bin/python bench/extraction_accuracy.py [CORPUS_DIR]`` (default ../shared/corpus).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path("/work/shared/corpus")
HEADER_FIELDS = (
    "kind", "vorlage", "session", "committee", "session_date", "document_date", "subject",
    "framework_parts",
)  # fmt: skip
POINT_FIELDS = ("number", "text_start", "delegated_to", "deadline", "status")


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip().lower()


def source_for(expected: Path, corpus: Path) -> Path:
    """``expected/ratsinfo-<id>.json`` -> ``ratsinfo/files/<id>.txt``; else ``documents/<stem>.txt``."""
    if expected.stem.startswith("ratsinfo-"):
        return corpus / "ratsinfo" / "files" / f"{expected.stem.removeprefix('ratsinfo-')}.txt"
    return corpus / "documents" / f"{expected.stem}.txt"


def cases(corpus: Path = DEFAULT_CORPUS) -> list[tuple[Path, Path]]:
    return [(e, source_for(e, corpus)) for e in sorted((corpus / "expected").glob("*.json"))]


def compare(expected: dict[str, Any], got: dict[str, Any]) -> list[tuple[str, Any, Any, bool]]:
    """One row per compared field: (field, expected, got, ok). Missing or extra points and
    signatories count as misses of all their fields."""
    rows: list[tuple[str, Any, Any, bool]] = []
    for f in HEADER_FIELDS:
        rows.append((f, expected.get(f), got.get(f), expected.get(f) == got.get(f)))
    ep, gp = expected.get("points", []), got.get("points", [])
    for i in range(max(len(ep), len(gp))):
        e = ep[i] if i < len(ep) else None
        g = gp[i] if i < len(gp) else None
        for f in POINT_FIELDS:
            name = f"points[{i}].{f}"
            if e is None or g is None:
                rows.append(
                    (name, e and e.get(f), g and g.get("text" if f == "text_start" else f), False)
                )
            elif f == "text_start":
                ok = norm(g.get("text")).startswith(norm(e["text_start"]))
                rows.append(
                    (name, e["text_start"], (g.get("text") or "")[: len(e["text_start"]) + 10], ok)
                )
            else:
                rows.append((name, e.get(f), g.get(f), e.get(f) == g.get(f)))
    es, gs = expected.get("signatories", []), got.get("signatories", [])
    for i in range(max(len(es), len(gs))):
        e = es[i] if i < len(es) else None
        g = gs[i] if i < len(gs) else None
        for f in ("name", "role"):
            ev, gv = (e or {}).get(f), (g or {}).get(f)
            rows.append(
                (f"signatories[{i}].{f}", ev, gv, e is not None and g is not None and ev == gv)
            )
    return rows


def run(corpus: Path = DEFAULT_CORPUS) -> tuple[Counter, Counter, list[tuple[str, str, Any, Any]]]:
    sys.path.insert(0, str(ROOT))
    from loader.extract import extract_file

    total: Counter = Counter()
    good: Counter = Counter()
    misses = []
    for exp_path, src in cases(corpus):
        expected = json.loads(exp_path.read_text(encoding="utf-8"))
        got = extract_file(src).to_json()
        for name, e, g, ok in compare(expected, got):
            key = re.sub(r"\[\d+\]", "", name)
            total[key] += 1
            good[key] += ok
            if not ok:
                misses.append((src.name, name, e, g))
    return total, good, misses


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    total, good, misses = run(corpus)
    for key in total:
        print(f"{key:28s} {good[key]:4d}/{total[key]:<4d} {100 * good[key] / total[key]:6.1f}%")
    t, g = sum(total.values()), sum(good.values())
    print(f"{'overall':28s} {g:4d}/{t:<4d} {100 * g / t:6.1f}%")
    print(f"\n{len(misses)} misses:")
    for src, name, e, g in misses:
        print(f"  {src:55s} {name:28s} expected {e!r}\n  {'':55s} {'':28s} got      {g!r}")


if __name__ == "__main__":
    main()

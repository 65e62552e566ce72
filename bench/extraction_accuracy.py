"""Per-field extraction accuracy over the corpus, listing every miss (file, field, expected, got).

Run: ``.venv/bin/python bench/extraction_accuracy.py [CORPUS_DIR]`` (default ../shared/corpus), or
on any folder of labels beside the folder of their texts:
``bench/extraction_accuracy.py --labels tests/data/corpus-labels --texts ../shared/corpus/unlabelled/files``
(``ratsinfo-<id>.json`` is scored against ``<id>.txt``). Besides per-field accuracy it counts the misses
that give a wrong value (not a null where a value was due): a wrong date, body or paper number misleads
a reader, a missing one only leaves a gap.
"""

from __future__ import annotations

import argparse
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


def label_cases(labels: Path, texts: Path) -> list[tuple[Path, Path]]:
    """``labels/ratsinfo-<id>.json`` (or ``<id>.json``) paired with ``texts/<id>.txt``."""
    return [
        (e, texts / f"{e.stem.removeprefix('ratsinfo-')}.txt")
        for e in sorted(labels.glob("*.json"))
    ]


# Fields whose wrong value is counted apart: dates, the body, the paper number.
DATE_FIELDS = ("session_date", "document_date", "points.deadline")
BODY_FIELDS = ("committee", "session")
PAPER_FIELDS = ("vorlage",)


def severity(field: str, expected: Any, got: Any, ok: bool) -> str | None:
    """None for a hit; "null" when nothing was given where a value was due; "extra" when a value
    (or a point, a signatory) was given where none was due; else "wrong"."""
    if ok:
        return None
    if got is None or got == []:
        return "null"
    if expected is None or expected == []:
        return "extra"
    return "wrong"


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


def run(
    corpus: Path = DEFAULT_CORPUS, pairs: list[tuple[Path, Path]] | None = None
) -> tuple[Counter, Counter, list[tuple[str, str, Any, Any]]]:
    sys.path.insert(0, str(ROOT))
    from loader.extract import extract_file

    total: Counter = Counter()
    good: Counter = Counter()
    misses = []
    for exp_path, src in cases(corpus) if pairs is None else pairs:
        expected = json.loads(exp_path.read_text(encoding="utf-8"))
        got = extract_file(src).to_json()
        for name, e, g, ok in compare(expected, got):
            key = re.sub(r"\[\d+\]", "", name)
            total[key] += 1
            good[key] += ok
            if not ok:
                misses.append((src.name, name, e, g))
    return total, good, misses


def wrong_counts(misses: list[tuple[str, str, Any, Any]]) -> Counter:
    """Misses by severity, with wrong dates, bodies and paper numbers counted apart."""
    out: Counter = Counter()
    for _src, name, e, g in misses:
        key = re.sub(r"\[\d+\]", "", name)
        sev = severity(key, e, g, False)
        out[sev] += 1
        if sev == "wrong":
            for group, fields in (
                ("date", DATE_FIELDS),
                ("body", BODY_FIELDS),
                ("paper", PAPER_FIELDS),
            ):
                if key in fields:
                    out[f"wrong {group}"] += 1
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--labels", type=Path, help="folder of expected JSON files")
    ap.add_argument("--texts", type=Path, help="folder of the texts they label (<id>.txt)")
    ap.add_argument("--quiet", action="store_true", help="no list of misses")
    args = ap.parse_args(argv)
    pairs = None
    if args.labels or args.texts:
        if not (args.labels and args.texts):
            ap.error("--labels and --texts go together")
        pairs = label_cases(args.labels, args.texts)
        missing = [str(src) for _e, src in pairs if not src.is_file()]
        if missing:
            ap.error(f"no text for {len(missing)} labels, e.g. {missing[0]}")
    total, good, misses = run(args.corpus, pairs)
    for key in total:
        print(f"{key:28s} {good[key]:4d}/{total[key]:<4d} {100 * good[key] / total[key]:6.1f}%")
    t, g = sum(total.values()), sum(good.values())
    print(f"{'overall':28s} {g:4d}/{t:<4d} {100 * g / t:6.1f}%")
    w = wrong_counts(misses)
    print(
        f"misses: {w['wrong']} wrong value, {w['null']} null where a value was due, "
        f"{w['extra']} value where none was due; wrong date {w['wrong date']}, "
        f"wrong body {w['wrong body']}, wrong paper number {w['wrong paper']}"
    )
    if args.quiet:
        return
    print(f"\n{len(misses)} misses:")
    for src, name, e, g in misses:
        sev = severity(name, e, g, False)
        print(f"  {src:12s} {name:28s} [{sev}] expected {e!r}\n  {'':12s} {'':28s} got      {g!r}")


if __name__ == "__main__":
    main()

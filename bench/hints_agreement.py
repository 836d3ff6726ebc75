"""Agreement of the hint scorer (auditor/hints.py) with the labelled corpus tests/data/error_texts.json.

Usage: python bench/hints_agreement.py [--corpus PATH] [--json] [--disagreements]

Each entry's BODY is scored the way the errors.hints check scores a response: JSON/XML/HTML bodies are
parsed for their text and structured members; raw HTTP messages (RFC 6750 examples) are split into headers
and body. The labels are human judgements of the body (see the corpus' ``conventions``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from agent_ready.hints import ELEMENTS, HintScore, score_body  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "error_texts.json"


def _split_http_message(body: str) -> tuple[list[tuple[str, str]], str, str | None]:
    """A raw 'HTTP/1.1 401 ...' message as quoted in RFC examples: (headers, body, content type)."""
    head, _, rest = body.partition("\n\n")
    lines = head.splitlines()[1:]
    headers: list[tuple[str, str]] = []
    for line in lines:
        if line[:1].isspace() and headers:  # obsolete line folding in the RFC examples
            name, value = headers[-1]
            headers[-1] = (name, value + " " + line.strip())
        elif ":" in line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    ctype = next((v for n, v in headers if n.lower() == "content-type"), None)
    return headers, rest, ctype


def score_entry(entry: dict[str, Any]) -> HintScore:
    body = entry.get("body") or entry.get("text") or ""
    ctype = entry.get("content_type")
    headers: list[tuple[str, str]] = []
    if body.startswith("HTTP/1."):
        headers, body, parsed_type = _split_http_message(body)
        ctype = ctype or parsed_type
    return score_body(body, ctype, headers=headers)


def agreement(entries: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    for element in ELEMENTS:
        tp = fp = fn = tn = 0
        for entry in entries:
            predicted = score_entry(entry).has(element)
            actual = bool(entry["labels"][element])
            tp += predicted and actual
            fp += predicted and not actual
            fn += actual and not predicted
            tn += not predicted and not actual
        n = tp + fp + fn + tn
        table[element] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
            "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
            "accuracy": round((tp + tn) / n, 3) if n else 0.0,
        }
    exact = sum(1 for e in entries if score_entry(e).labels() == {k: bool(v) for k, v in e["labels"].items()})
    score_match = sum(
        1 for e in entries if score_entry(e).score == sum(bool(v) for v in e["labels"].values())
    )
    table["_overall"] = {"entries": len(entries), "all_five_agree": exact, "same_score": score_match}
    return table


def disagreements(entries: list[dict[str, Any]]) -> list[str]:
    out = []
    for entry in entries:
        result = score_entry(entry)
        for element in ELEMENTS:
            if result.has(element) != bool(entry["labels"][element]):
                spans = "; ".join(m.describe() for m in result.found(element)) or "-"
                out.append(
                    f"{entry['id']}: {element} label={entry['labels'][element]} scorer={result.has(element)} "
                    f"{spans}"
                )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    parser.add_argument("--disagreements", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    entries = json.loads(args.corpus.read_text(encoding="utf-8"))["entries"]
    table = agreement(entries)
    if args.json:
        print(json.dumps(table, indent=2))
    else:
        print(f"{'element':<18} {'precision':>9} {'recall':>7} {'accuracy':>8}   tp  fp  fn  tn")
        for element in ELEMENTS:
            r = table[element]
            print(
                f"{element:<18} {r['precision']:>9.3f} {r['recall']:>7.3f} {r['accuracy']:>8.3f}  "
                f"{r['tp']:>3} {r['fp']:>3} {r['fn']:>3} {r['tn']:>3}"
            )
        o = table["_overall"]
        print(
            f"entries: {o['entries']}; all five elements agree: {o['all_five_agree']}; "
            f"same 0-5 score: {o['same_score']}"
        )
    if args.disagreements:
        print("\n".join(disagreements(entries)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Precision@5 of similar cases (类案), judged by reading.

The past orders are the 2,816 messages of the Teddy Cup 附件4 (each with the reply it
received, as closed orders are); the queries are 50 messages of 附件3 (new orders, none of
them in 附件4) drawn with a fixed seed. The product's ranking core
(:func:`civicdesk.knowledge.similar.case_index` / ``case_query``: character bigrams of title
and content, the title counting twice, place names taken out) ranks the past orders; the
place names are the anonymised area codes and the names with a place suffix mined from the
texts (the product takes them from the city's area table instead).

``bench/data/similar_cases_50.json`` holds, for each query, its id and text and the
judgement of every past order that was ever in its first five: 1 when a dispatcher looking
for precedent would want to read it (the same matter: the same kind of problem asking for
the same kind of answer, whatever the place), 0 otherwise. Judged by reading title and
detail of both. A past order the file has no judgement for (the ranking changed since) is
reported and counted as not relevant.

    ../shared/data must hold tipdm2020_c_smart_gov;  .venv/bin/python bench/similar_cases_precision.py
    [--candidates] prints the current top five of every query for judging.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data" / "tipdm2020_c_smart_gov"
JUDGED = ROOT / "bench" / "data" / "similar_cases_50.json"
_PLACE = re.compile(r"[A-Z]\d*[市区县镇乡]|[\u4e00-\u9fff]{1,8}(?:小区|街道|社区|花园|广场|大道|路|街|村|镇|乡|苑)")


def places_of(texts: list[str]) -> tuple[str, ...]:
    found: dict[str, int] = {}
    for text in texts:
        for name in set(_PLACE.findall(text)):
            found[name] = found.get(name, 0) + 1
    return tuple(sorted((w for w in found if len(w) >= 2), key=lambda w: (-len(w), w)))


def main() -> int:
    parser = argparse.ArgumentParser(description="precision@5 of similar cases on judged Teddy Cup messages")
    parser.add_argument("--candidates", action="store_true", help="print every query's current top five")
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the Teddy Cup files")
    args = parser.parse_args()
    data = args.data
    if not data.is_dir():
        print(f"{data} is missing: the Teddy Cup data is needed")
        return 1
    # The ranking core is pure; Django settings are loaded only because the module imports models.
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
    import django

    django.setup()
    from civicdesk.knowledge.similar import case_index, case_query
    from civicdesk.text.teddycup import read_messages

    past = {m.message_id: m for m in read_messages(data / "附件4.xlsx")}
    new = {m.message_id: m for m in read_messages(data / "附件3.xlsx")}
    judged = json.loads(JUDGED.read_text(encoding="utf-8"))
    places = places_of([m.text for m in past.values()] + [m.text for m in new.values()])
    index = case_index(((mid, m.title, m.detail) for mid, m in past.items()), places)
    precisions: list[float] = []
    unjudged = 0
    for entry in judged["queries"]:
        query = new[entry["id"]]
        top = [str(pk) for pk, _s in index.search(case_query(query.title, query.detail, places), 5)]
        if args.candidates:
            print(f"Q {entry['id']} {query.title} | {query.detail[:120]}")
            for pk in top:
                mark = entry["judged"].get(pk, "?")
                print(f"   [{mark}] {pk} {past[pk].title} | {past[pk].detail[:80]}")
        unjudged += sum(1 for pk in top if pk not in entry["judged"])
        precisions.append(sum(entry["judged"].get(pk, 0) for pk in top) / 5)
    print(f"queries {len(precisions)}; past orders {len(past)}; unjudged results counted as wrong: {unjudged}")
    print(f"precision@5 {sum(precisions) / len(precisions):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

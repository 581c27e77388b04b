#!/usr/bin/env python3
"""Builds the rotated search workload for bench/perf.sh from the evaluation query sets.

Usage: queries.py EVAL_DIR WERKBANK_PATHS TANTIVY_PATHS [MIN_QUERIES]

Reads queries_nouns.tsv and queries_desc.tsv (query<TAB>expected id) from EVAL_DIR,
keeps only words (letters, digits; no query syntax, so tantivy-cli's QueryParser reads
each query as plain terms, like werkbank does), drops duplicates, shuffles them with a
fixed seed and writes one request path per line for each server. So many distinct
queries keep a result cache from deciding the figure. Standard library only.
"""

import random
import re
import sys
import urllib.parse

SEED = 8
MAX_WORDS = 8
# Words that tantivy's query grammar reads as operators.
OPERATORS = {"AND", "OR", "NOT", "IN"}


def clean(query: str) -> str:
    words = [w for w in re.findall(r"\w+", query) if w not in OPERATORS]
    return " ".join(words[:MAX_WORDS])


def main() -> int:
    eval_dir, wb_out, tv_out = sys.argv[1:4]
    minimum = int(sys.argv[4]) if len(sys.argv) > 4 else 800
    seen, queries = set(), []
    for name in ("queries_nouns.tsv", "queries_desc.tsv"):
        with open(f"{eval_dir}/{name}", encoding="utf-8") as f:
            for line in f:
                q = clean(line.split("\t")[0])
                if q and q.lower() not in seen:
                    seen.add(q.lower())
                    queries.append(q)
    random.Random(SEED).shuffle(queries)
    if len(queries) < minimum:
        print(f"only {len(queries)} distinct queries, need {minimum}", file=sys.stderr)
        return 1
    with open(wb_out, "w", encoding="utf-8") as wb, open(tv_out, "w", encoding="utf-8") as tv:
        for q in queries:
            quoted = urllib.parse.quote(q)
            wb.write(f"/api/v1/search?q={quoted}&limit=10\n")
            tv.write(f"/api/?q={quoted}&nhits=10\n")
    print(len(queries))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: how often the first topic suggestion names a paper's true area.

    .venv/bin/python bench/topic_suggestions.py            # tests/fixtures conference lists
    .venv/bin/python bench/topic_suggestions.py FILE.md …  # other lists

Imports the lists into a fresh SQLite database, then hides each labelled paper's topics in
turn (leave-one-out: it is left out of the index) and asks for topics from its own text. The
target (issue 13): the true area is the first suggestion for at least 70% of papers.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures"


def conference_lists() -> list[Path]:
    """Every conference list among the fixtures (a Papers section), the SOSP seed first."""
    heading = re.compile(r"^#{2,3} Papers\s*$", re.M)
    found = sorted(
        path for path in FIXTURES.rglob("*.md") if heading.search(path.read_text("utf-8"))
    )
    return sorted(found, key=lambda p: p.name != "sosp-2025.md")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    files = args.files or conference_lists()
    scratch = tempfile.mkdtemp(prefix="topic-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readinggroup.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from planner.topics import TopicSuggester

    call_command("migrate", verbosity=0)
    for path in files:
        call_command("import_papers", str(path), verbosity=0)
    from papers.models import Paper

    started = time.perf_counter()
    suggester = TopicSuggester.from_catalogue()
    results = [suggester.true_area_first(pk) for pk in suggester.paper_ids]
    elapsed = time.perf_counter() - started
    source = dict(
        Paper.objects.filter(pk__in=suggester.paper_ids).values_list(
            "pk", "proceedings__venue__name"
        )
    )
    by_list: dict[str, list[bool]] = {}
    for pk, hit in zip(suggester.paper_ids, results, strict=True):
        by_list.setdefault(source.get(pk) or "arXiv", []).append(bool(hit))
    hits = sum(1 for r in results if r)
    total = len(results)
    areas = {suggester._area(t) for ts in suggester.paper_topics for t in ts}
    largest = max(
        (
            sum(1 for ts in suggester.paper_topics if a in {suggester._area(t) for t in ts})
            for a in areas
        ),
        default=0,
    )
    print(f"lists: {', '.join(p.name for p in files)}")
    print(f"labelled papers: {total}, areas: {len(areas)}")
    print(f"majority-area baseline: {largest / total:.1%}" if total else "no labelled papers")
    print(f"true area first (leave-one-out): {hits}/{total} = {hits / total:.1%}" if total else "")
    for name, hits_of in sorted(by_list.items()):
        print(f"  {name}: {sum(hits_of)}/{len(hits_of)}")
    print(f"time: {elapsed * 1000:.0f} ms for {total} suggestions")


if __name__ == "__main__":
    main()

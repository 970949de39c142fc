"""Benchmark: import a generated conference list of N papers into a fresh database.

    .venv/bin/python bench/import_papers.py                # 100,000 papers: SQLite, then
                                                           # PostgreSQL if DATABASE_URL names one
    .venv/bin/python bench/import_papers.py -n 5000
    .venv/bin/python bench/import_papers.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/import_papers.py --only sqlite

Each database is benched in a process of its own (Django is set up once per process, and the
peak memory is then that database's). The first import runs --runs times (3 by default), each
into a fresh copy of the migrated database, and its median is the figure. For PostgreSQL the
bench creates scratch databases next to the one named and drops them again; it never touches
the named database's tables. The machine may be shared: CPU seconds of the bench process come
with every wall time (on PostgreSQL the server's own work is not in them).
The targets (issue 10): 100,000 papers (about 30 MB of markdown) import in under 10 s on each
database; re-importing the unchanged list takes under 3 s and writes nothing; peak memory
stays under 1 GB. It prints those four figures (and a few more) from one run.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AREAS = ["LLM", "GPU", "Storage", "Networking", "OS", "Security", "Databases", "Serverless"]
WORDS = [
    "efficient", "scalable", "distributed", "memory", "cache", "kernel", "scheduling", "serving",
    "training", "inference", "storage", "network", "verification", "compiler", "runtime",
    "elastic", "adaptive", "secure", "fast", "reliable", "heterogeneous", "disaggregated",
    "persistent", "transactional",
]  # fmt: skip
PLACES = ["MIT", "CMU", "THU", "SJTU IPADS", "UC Berkeley", "ETH", "Microsoft", "Google", "Meta"]


def generate(count: int, seed: int = 2025) -> str:
    """A conference list in the seed's format: areas, subtopics, papers with links and notes."""
    rng = random.Random(seed)
    lines = [
        "# BENCH 2030",
        "",
        "## Meta Info",
        "",
        "Homepage: [https://example.org/bench/](https://example.org/bench/)",
        "",
        "### Acceptance Rate",
        "",
        f"20.0% (= {count} / {count * 5})",
        "",
        "## Papers",
        "",
    ]
    number = 0
    for index, area in enumerate(AREAS):
        in_area = count * (index + 1) // len(AREAS) - count * index // len(AREAS)
        if not in_area:
            continue
        lines += [f"### {area}", ""]
        per_group = -(-in_area // 5)
        for group in range(5):
            size = min(per_group, in_area - group * per_group)
            if size <= 0:
                break
            direct = group == 4  # the last group of an area sits directly under it
            if not direct:
                lines.append(f"* {area} topic {group + 1}")
            pad = "" if direct else "  "
            for _ in range(size):
                lines += _paper(rng, number, pad)
                number += 1
        lines.append("")
    lines += ["## Acronyms", "", "* OS: Operating System", "* LLM: Large Language Model", ""]
    return "\n".join(lines)


def _paper(rng: random.Random, number: int, pad: str) -> list[str]:
    words = " ".join(rng.sample(WORDS, 5))
    title = f"System{number}: {words.capitalize()} paper number {number}"
    links = f" \\[[Paper](https://dl.acm.org/doi/10.5555/3000000.{number})]"
    if number % 2 == 0:
        links += f" \\[[arXiv](https://arxiv.org/abs/2401.{number:05d})]"
    if number % 5 == 0:
        links += f" \\[[Code](https://github.com/example/system{number})]"
    lines = [f"{pad}* {title}{links}", f"{pad}  * {' & '.join(rng.sample(PLACES, 2))}"]
    if number % 3 == 0:
        lines.append(f"{pad}  * **System{number}**")
    lines += [f"{pad}  * Design point {number}", f"{pad}    * Nested detail of {words}."]
    return lines


class Scratch:
    """The bench's databases: a migrated one, and a copy of it for each run (`fresh`), which
    Django's connection then uses. For PostgreSQL they sit next to the database named and are
    dropped at the end; for SQLite they are files in a temporary folder."""

    def __init__(self, url: str, folder: str) -> None:
        self.folder = folder
        self.copies: list[str] = []
        self.admin = None
        if url.startswith(("postgres://", "postgresql://")):
            import psycopg

            self.base = f"bench_import_papers_{os.getpid()}"
            self.admin = psycopg.connect(url, autocommit=True)
            self.admin.execute(f'CREATE DATABASE "{self.base}"')
            self.url = urlunsplit(urlsplit(url)._replace(path=f"/{self.base}"))
        else:
            self.base = f"{folder}/bench.sqlite3"
            self.url = f"sqlite:///{self.base}"

    def fresh(self) -> None:
        """Point Django at a new copy of the migrated database."""
        from django.db import connection, connections

        connections.close_all()
        if self.admin is not None:
            name = f"{self.base}_{len(self.copies) + 1}"
            # FILE_COPY checkpoints before and after the copy: each run starts without the
            # dirty pages and WAL of the runs before it (which otherwise slow each next run
            # by a second as their checkpoints compete with it), as a first import would.
            strategy = " STRATEGY FILE_COPY" if self.admin.info.server_version >= 150000 else ""
            self.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.base}"{strategy}')
        else:
            name = f"{self.folder}/run{len(self.copies) + 1}.sqlite3"
            shutil.copyfile(self.base, name)
        self.copies.append(name)
        connection.settings_dict["NAME"] = name

    def cleanup(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.admin is not None:
            for name in [*self.copies, self.base]:
                self.admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            self.admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--papers", type=int, default=100_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="a PostgreSQL server to bench against (default: $DATABASE_URL if it is one)",
    )
    parser.add_argument("--only", choices=("sqlite", "postgres"), help="bench one database")
    parser.add_argument(
        "--runs", type=int, default=3, help="first imports to take the median of (default 3)"
    )
    parser.add_argument(
        "--no-search-triggers",
        action="store_true",
        help="drop the full-text index's triggers on papers first, to see what they cost "
        "(the importer still writes its own papers' documents, set-based, after its rows)",
    )
    args = parser.parse_args()
    if args.only is None:
        postgres = args.database_url.startswith(("postgres://", "postgresql://"))
        for only in ("sqlite", "postgres") if postgres else ("sqlite",):
            command = [sys.executable, __file__, "-n", str(args.papers), "--only", only]
            command += ["--runs", str(args.runs)]
            command += ["--no-search-triggers"] if args.no_search_triggers else []
            if only == "postgres":
                command += ["--database-url", args.database_url]
            subprocess.run(command, check=True)
        if not postgres:
            print("(no PostgreSQL: set DATABASE_URL or --database-url to bench it too)")
        return

    tmp = tempfile.TemporaryDirectory()
    scratch = Scratch(args.database_url if args.only == "postgres" else "", tmp.name)
    os.environ["DATABASE_URL"] = scratch.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readinggroup.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # As in production: DEBUG on would also time Django's logging of every query.
    os.environ.setdefault("DEBUG", "0")
    # Tasks the import sends (merging the search index) go to a scratch queue, never run.
    os.environ["CELERY_DATA_DIR"] = f"{tmp.name}/celery"

    import django

    django.setup()
    # kombu's filesystem transport warns on its first message (the index merge the import
    # sends) that it has no hostname: noise in the figures.
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    from django.core.management import call_command
    from django.db import connection

    from papers.catalogue_import import import_conference_list
    from papers.conference_list import parse
    from papers.import_stamps import import_text

    try:
        call_command("migrate", verbosity=0)
        if args.no_search_triggers:
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    for name in ("ai", "au", "ad"):
                        cursor.execute(f"DROP TRIGGER papers_paper_search_{name}")
                else:
                    cursor.execute("DROP TRIGGER papers_paper_search ON papers_paper")
                    cursor.execute("DROP TRIGGER papers_paper_search_delete ON papers_paper")
            print("(search triggers on papers_paper dropped: only the importer's own writes)")
        text = generate(args.papers)
        print(
            f"{connection.vendor}, {args.papers} papers, {len(text) / 1e6:.1f} MB of markdown; "
            f"the first import {args.runs} times, each into a fresh copy of the migrated database"
        )
        totals = []
        for run in range(1, args.runs + 1):
            scratch.fresh()
            started, cpu = time.perf_counter(), time.process_time()
            conference = parse(text)
            parsed, parse_cpu = time.perf_counter(), time.process_time() - cpu
            summary = import_text(text, conference=conference)
            imported = time.perf_counter()
            assert summary.papers_created == args.papers, summary
            del conference
            totals.append(imported - started)
            print(
                f"  run {run}: parse {parsed - started:5.2f} s (CPU {parse_cpu:.2f} s), "
                f"import {imported - parsed:5.2f} s, together {imported - started:5.2f} s "
                f"(this process's CPU: {time.process_time() - cpu:.2f} s)"
            )
        print(
            f"  parse + import, p50 of {args.runs}   {statistics.median(totals):6.2f} s   "
            "<- target < 10 s"
        )
        print("  (the rest once, on the last run's database)")

        writes: list[str] = []

        def count_writes(execute, sql, params, many, context):
            if not sql.lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE", "BEGIN")):
                writes.append(sql)
            return execute(sql, params, many, context)

        started, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(count_writes):
            again = import_text(text)
        print(
            f"  re-import (no changes)  {time.perf_counter() - started:6.2f} s   <- target < 3 s "
            f"(CPU: {time.process_time() - cpu:.2f} s)"
        )
        print(f"  statements written by the re-import: {len(writes)}   <- target 0")
        for sql in writes:
            print(f"    {sql[:100]}")
        assert not again.changed, again
        print(
            f"  (re-import recognised by its stamp, nothing parsed or compared: {again.from_stamp})"
        )

        # The path a re-import takes when anything in the catalogue changed since (no stamp).
        started, cpu = time.perf_counter(), time.process_time()
        full = import_conference_list(parse(text))
        assert not full.changed and full == again, full
        print(
            f"  re-import, stamp bypassed (parse + full comparison)  "
            f"{time.perf_counter() - started:6.2f} s (CPU: {time.process_time() - cpu:.2f} s)"
        )

        edited = text.replace("Design point", "Design choice")
        started, cpu = time.perf_counter(), time.process_time()
        changed = import_text(edited)
        print(
            f"  import of an edited list ({changed.papers_updated} papers updated)  "
            f"{time.perf_counter() - started:6.2f} s (CPU: {time.process_time() - cpu:.2f} s)"
        )
        # ru_maxrss is in KiB on Linux.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak memory (RSS)  {peak:6.0f} MB   <- target < 1024 MB")
    finally:
        scratch.cleanup()
        tmp.cleanup()


if __name__ == "__main__":
    main()

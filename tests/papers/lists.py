"""Conference lists made up for tests: any number of papers, in the seed's format."""

from __future__ import annotations

from papers.catalogue_import import ImportSummary, import_conference_list
from papers.conference_list import parse


def generated_list(count: int, venue: str = "BENCH", year: int = 2030) -> str:
    """`count` papers in two areas with two subtopics each; every paper has two or three links."""
    lines = [f"# {venue} {year}", "", "## Papers", ""]
    groups = [("Area A", "Sub 1"), ("Area A", "Sub 2"), ("Area B", "Sub 3"), ("Area B", "Sub 4")]
    per_group = -(-count // len(groups))
    number = 0
    current_area = None
    for area, subtopic in groups:
        if number >= count:
            break
        if area != current_area:
            lines += ["", f"### {area}", ""]
            current_area = area
        lines.append(f"* {subtopic}")
        for _ in range(per_group):
            if number >= count:
                break
            links = f" \\[[Paper](https://doi.org/10.5555/{year}.{number})]"
            links += f" \\[[arXiv](https://arxiv.org/abs/2401.{number:05d})]"
            if number % 2:
                links += f" \\[[Code](https://github.com/example/p{number})]"
            lines += [
                f"  * Generated paper {number} about systems {links}",
                "    * MIT & CMU",
                f"    * **Gen{number}**",
                "    * a note",
            ]
            number += 1
    return "\n".join(lines) + "\n"


def import_generated(count: int, venue: str = "BENCH", year: int = 2030) -> ImportSummary:
    return import_conference_list(parse(generated_list(count, venue, year)))

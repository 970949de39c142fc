"""The community's conference-list markdown, read and written: a pure module, no database.

The format (GitBook markdown, see tests/fixtures/sosp-2025.md)::

    # SOSP 2025
    ## Meta Info
    Homepage: [https://...](https://...)
    ### Paper List
    * [https://...](https://...)
    ### Acceptance Rate
    17.7% (= 65 / 368)
    ## Papers
    ### LLM                                   <- an area
    * LLM Training                            <- a subtopic (no links of its own)
      * Title \\[[Paper](https://doi...)] \\[[arXiv](https://arxiv.org/abs/...)]
        * HKU & ByteDance Seed                <- first sub-bullet: affiliations
        * **ByteRobust**                      <- a bold sub-bullet: the system name
        * A note                              <- the rest: notes (nested bullets kept)
    * Title \\[[Paper](...)]                   <- a paper directly under the area
    ## Acronyms
    * OS: Operating System

`parse()` turns a file into `ConferenceList`; `write()` turns one back into text, so that
`parse(write(x)) == x`. Line numbers are kept for error messages but are not part of equality.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from papers.identifiers import ArxivId, normalize_title, parse_arxiv_id, parse_doi

# Label as written in the list (lower-cased) -> PaperLink.Kind value.
LINK_KINDS = {
    "paper": "paper",
    "arxiv": "arxiv",
    "code": "code",
    "artifact": "artifact",
    "slides": "slides",
    "video": "video",
    "docs": "docs",
    "homepage": "homepage",
    "personal notes": "notes",
}
OTHER = "other"
# The label the writer uses for a link that has none of its own.
DEFAULT_LABELS = {
    "paper": "Paper",
    "arxiv": "arXiv",
    "code": "Code",
    "artifact": "Artifact",
    "slides": "Slides",
    "video": "Video",
    "docs": "Docs",
    "homepage": "Homepage",
    "notes": "Personal Notes",
    "other": "Link",
}

# Notes are stored as markdown with four spaces per nesting level: that is what Python-Markdown
# needs to see nested lists (the source lists indent by two).
NOTES_INDENT = 4
LIST_INDENT = 2


class ParseError(ValueError):
    """Not a conference list: `line` (1-based) says where, `message` what was expected."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def link_kind(label: str) -> str:
    return LINK_KINDS.get(" ".join(label.split()).lower(), OTHER)


@dataclass
class Link:
    kind: str
    label: str
    url: str


@dataclass
class ListedPaper:
    title: str
    links: list[Link] = field(default_factory=list)
    affiliations: str = ""
    system_name: str = ""
    notes: str = ""
    line: int = field(default=0, compare=False)

    @property
    def normalized_title(self) -> str:
        return normalize_title(self.title)

    @property
    def arxiv(self) -> ArxivId | None:
        """From the arXiv link, else from any link that points at arxiv.org."""
        ordered = [link for link in self.links if link.kind == "arxiv"] + [
            link for link in self.links if link.kind != "arxiv"
        ]
        for link in ordered:
            found = parse_arxiv_id(link.url)
            if found is not None:
                return found
        return None

    @property
    def doi(self) -> str | None:
        """From the Paper link (doi.org, dl.acm.org)."""
        for link in self.links:
            if link.kind == "paper":
                found = parse_doi(link.url)
                if found is not None:
                    return found
        return None


@dataclass
class Section:
    """Papers of one subtopic of an area; `subtopic` is "" for papers directly under the area."""

    subtopic: str
    papers: list[ListedPaper] = field(default_factory=list)
    line: int = field(default=0, compare=False)


@dataclass
class Area:
    name: str
    sections: list[Section] = field(default_factory=list)
    line: int = field(default=0, compare=False)


@dataclass
class AcronymEntry:
    short: str
    expansion: str
    line: int = field(default=0, compare=False)


@dataclass
class ConferenceList:
    venue: str
    year: int
    homepage: str = ""
    paper_list_urls: list[str] = field(default_factory=list)
    accepted: int | None = None
    submitted: int | None = None
    # Meta Info the format has no field for, kept verbatim (markdown).
    meta_notes: str = ""
    areas: list[Area] = field(default_factory=list)
    acronyms: list[AcronymEntry] = field(default_factory=list)

    def papers(self) -> Iterator[tuple[Area, Section, ListedPaper]]:
        """Every paper in list order, with where it sits."""
        for area in self.areas:
            for section in area.sections:
                for paper in section.papers:
                    yield area, section, paper

    @property
    def acceptance_rate(self) -> float | None:
        if not self.accepted or not self.submitted:
            return None
        return round(100 * self.accepted / self.submitted, 1)


# --- Reading --------------------------------------------------------------------------------

_TITLE = re.compile(r"^#\s+(?P<venue>\S.*?)\s+(?P<year>\d{4})\s*$")
_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)[*+-](?:[ \t]+(?P<text>.*?))?[ \t]*$")
_HOMEPAGE = re.compile(r"^homepage\s*:\s*(?P<value>.*)$", re.IGNORECASE)
_MD_LINK = re.compile(r"^\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)\)$")
_AUTOLINK = re.compile(r"^<(?P<url>[^>\s]+)>$")
_RATE = re.compile(
    r"^(?:(?P<percent>\d+(?:\.\d+)?)\s*%\s*)?\(?\s*=?\s*(?P<accepted>\d+)\s*/\s*(?P<submitted>\d+)"
    r"\s*\)?$"
)
_ACRONYM = re.compile(r"^(?P<short>[^:]+?)\s*:\s*(?P<expansion>\S.*)$")
_BOLD = re.compile(r"^\*\*(?P<name>[^*].*?)\*\*$")
# "\[[Label](url)]": GitBook escapes the outer bracket; accept it unescaped too.
_LINK_START = re.compile(r"\\?\[\[")
_URL = r"[^\s()]*(?:\([^\s()]*\)[^\s()]*)*"
_LINK_GROUP = re.compile(rf"\\?\[\[(?P<label>[^\[\]]+)\]\((?P<url>{_URL})\)\\?\]")
_SAFE_SCHEME = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)
_ANY_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)

_SECTIONS = {"meta info": "meta", "papers": "papers", "acronyms": "acronyms"}


@dataclass
class _Item:
    """A bullet of the papers section, with the bullets nested below it."""

    text: str
    indent: int
    line: int
    children: list[_Item] = field(default_factory=list)

    @property
    def has_links(self) -> bool:
        return _LINK_START.search(self.text) is not None


def _check_url(url: str, line: int) -> str:
    if _ANY_SCHEME.match(url) and not _SAFE_SCHEME.match(url):
        raise ParseError(line, f"expected an http(s) or relative URL, found {url!r}")
    return url


def _link_target(text: str, line: int, what: str) -> str:
    """A URL written as [text](url), <url> or bare."""
    text = text.strip()
    match = _MD_LINK.match(text) or _AUTOLINK.match(text)
    url = match.group("url") if match else text
    if not url or " " in url:
        raise ParseError(line, f"expected {what} as a link, e.g. [https://...](https://...)")
    return _check_url(url, line)


def _indent_width(whitespace: str) -> int:
    return len(whitespace.expandtabs(4))


class _Reader:
    def __init__(self, text: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        # splitlines() also takes care of Windows (\r\n) and old Mac (\r) line endings.
        self.lines = text.splitlines()
        self.result: ConferenceList | None = None
        self.seen_sections: dict[str, int] = {}
        self.section = ""
        self.meta_sub = ""
        self.meta_lines: list[str] = []
        self.rate_line = 0
        self.area: Area | None = None
        self.area_roots: list[_Item] = []
        self.stack: list[_Item] = []
        self.last_item: _Item | None = None
        self.acronym_lines: dict[str, int] = {}

    def parse(self) -> ConferenceList:
        for number, raw in enumerate(self.lines, start=1):
            self._line(number, raw.rstrip())
        if self.result is None:
            raise ParseError(max(len(self.lines), 1), "expected a title heading like '# SOSP 2025'")
        self._close_area()
        self.result.meta_notes = _tidy_block(self.meta_lines)
        _check_unique_papers(self.result)
        return self.result

    def _line(self, number: int, line: str) -> None:
        if self.result is None:
            if not line.strip():
                return
            match = _TITLE.match(line)
            if match is None:
                raise ParseError(number, "expected a title heading like '# SOSP 2025'")
            self.result = ConferenceList(venue=match.group("venue"), year=int(match.group("year")))
            return
        heading = _HEADING.match(line)
        if heading is not None:
            self._heading(number, len(heading.group("level")), heading.group("text"))
            return
        if self.section == "meta":
            self._meta_line(number, line)
        elif self.section == "papers":
            self._papers_line(number, line)
        elif self.section == "acronyms":
            self._acronym_line(number, line)
        elif line.strip():
            raise ParseError(
                number, "expected a '## Meta Info', '## Papers' or '## Acronyms' heading"
            )

    def _heading(self, number: int, level: int, text: str) -> None:
        if level == 1:
            raise ParseError(number, "expected one '# Venue Year' title; found a second one")
        if level == 2:
            key = _SECTIONS.get(" ".join(text.split()).lower())
            if key is None:
                raise ParseError(
                    number,
                    f"expected '## Meta Info', '## Papers' or '## Acronyms', found '## {text}'",
                )
            if key in self.seen_sections:
                raise ParseError(
                    number,
                    f"'## {text}' appears twice (first at line {self.seen_sections[key]})",
                )
            self.seen_sections[key] = number
            self._close_area()
            self.section = key
            self.meta_sub = ""
            return
        if self.section == "meta" and level == 3:
            name = " ".join(text.split()).lower()
            if name in {"paper list", "acceptance rate"}:
                self.meta_sub = name
            else:
                self.meta_sub = "other"
                self.meta_lines.append(f"### {text}")
            return
        if self.section == "meta":
            self.meta_lines.append(f"{'#' * level} {text}")
            return
        if self.section == "papers" and level == 3:
            self._close_area()
            if not text:
                raise ParseError(number, "expected an area name after '###'")
            self.area = Area(name=text, line=number)
            return
        if self.section == "papers":
            raise ParseError(
                number, f"expected a '### Area' heading or a bullet, found a level-{level} heading"
            )
        raise ParseError(number, "expected a '## Meta Info', '## Papers' or '## Acronyms' heading")

    # Meta Info ------------------------------------------------------------------------------

    def _meta_line(self, number: int, line: str) -> None:
        assert self.result is not None
        stripped = line.strip()
        homepage = _HOMEPAGE.match(stripped)
        if homepage is not None and self.meta_sub == "":
            if self.result.homepage:
                raise ParseError(number, "the homepage is given twice")
            self.result.homepage = _link_target(homepage.group("value"), number, "the homepage")
            return
        if self.meta_sub == "paper list" and stripped:
            bullet = _BULLET.match(line)
            if bullet is not None:
                url = _link_target(bullet.group("text") or "", number, "a paper-list link")
                self.result.paper_list_urls.append(url)
                return
        if self.meta_sub == "acceptance rate" and stripped and not self.rate_line:
            self._rate(number, stripped)
            return
        self.meta_lines.append(line)

    def _rate(self, number: int, text: str) -> None:
        assert self.result is not None
        match = _RATE.match(text)
        if match is None:
            raise ParseError(
                number, f"expected the acceptance rate as '17.7% (= 65 / 368)', found {text!r}"
            )
        accepted, submitted = int(match.group("accepted")), int(match.group("submitted"))
        if submitted == 0 or accepted > submitted:
            raise ParseError(
                number,
                "expected accepted <= submitted (and submitted > 0), "
                f"found {accepted} / {submitted}",
            )
        self.result.accepted, self.result.submitted = accepted, submitted
        self.rate_line = number

    # Papers ---------------------------------------------------------------------------------

    def _papers_line(self, number: int, line: str) -> None:
        if not line.strip():
            return
        bullet = _BULLET.match(line)
        if bullet is None:
            indent = _indent_width(line[: len(line) - len(line.lstrip())])
            if indent > 0 and self.last_item is not None:
                # A wrapped line continues the bullet above it, as in markdown.
                self.last_item.text = f"{self.last_item.text} {line.strip()}".strip()
                return
            raise ParseError(number, "expected a bullet ('* ...') or a '### Area' heading")
        if self.area is None:
            raise ParseError(number, "expected a '### Area' heading before the first paper")
        item = _Item(
            text=(bullet.group("text") or "").strip(),
            indent=_indent_width(bullet.group("indent")),
            line=number,
        )
        while self.stack and self.stack[-1].indent >= item.indent:
            self.stack.pop()
        if self.stack:
            self.stack[-1].children.append(item)
        else:
            self.area_roots.append(item)
        self.stack.append(item)
        self.last_item = item

    def _close_area(self) -> None:
        area, roots = self.area, self.area_roots
        self.area, self.area_roots, self.stack, self.last_item = None, [], [], None
        if area is None:
            return
        assert self.result is not None
        if not roots:
            raise ParseError(area.line, f"expected papers ('* Title ...') under '### {area.name}'")
        for root in roots:
            if _is_subtopic(root):
                if not root.text:
                    raise ParseError(root.line, "expected a subtopic name or a paper title")
                section = Section(subtopic=root.text, line=root.line)
                section.papers = [_paper(child) for child in root.children]
                area.sections.append(section)
            else:
                if not area.sections or area.sections[-1].subtopic:
                    area.sections.append(Section(subtopic="", line=root.line))
                area.sections[-1].papers.append(_paper(root))
        self.result.areas.append(area)

    # Acronyms -------------------------------------------------------------------------------

    def _acronym_line(self, number: int, line: str) -> None:
        assert self.result is not None
        if not line.strip():
            return
        bullet = _BULLET.match(line)
        match = _ACRONYM.match(bullet.group("text") or "") if bullet else None
        if match is None:
            raise ParseError(number, "expected an acronym as '* OS: Operating System'")
        short = match.group("short").strip()
        if short in self.acronym_lines:
            raise ParseError(
                number,
                f"acronym {short!r} is defined twice (first at line {self.acronym_lines[short]})",
            )
        self.acronym_lines[short] = number
        self.result.acronyms.append(
            AcronymEntry(short=short, expansion=match.group("expansion").strip(), line=number)
        )


def _is_subtopic(item: _Item) -> bool:
    """A bullet right under an area: a subtopic, or a paper that sits there directly?

    A paper has links or, failing that, sub-bullets that are plain lines (its affiliations); a
    subtopic has no links and its first child is a paper (with links or sub-bullets of its own).
    """
    if item.has_links or not item.children:
        return False
    first = item.children[0]
    return first.has_links or bool(first.children)


def _paper(item: _Item) -> ListedPaper:
    title, links = _title_and_links(item.text, item.line)
    children = list(item.children)
    affiliations = ""
    if children and not children[0].children and _BOLD.match(children[0].text) is None:
        affiliations = children.pop(0).text
    system_name = ""
    for index, child in enumerate(children):
        bold = _BOLD.match(child.text)
        if bold is not None and not child.children:
            system_name = bold.group("name").strip()
            del children[index]
            break
    notes = "\n".join(_notes_lines(children, 0))
    return ListedPaper(
        title=title,
        links=links,
        affiliations=affiliations,
        system_name=system_name,
        notes=notes,
        line=item.line,
    )


def _notes_lines(items: list[_Item], level: int) -> Iterator[str]:
    for item in items:
        yield f"{' ' * (NOTES_INDENT * level)}* {item.text}".rstrip()
        yield from _notes_lines(item.children, level + 1)


def _title_and_links(text: str, line: int) -> tuple[str, list[Link]]:
    start = _LINK_START.search(text)
    if start is None:
        title, rest = text.strip(), ""
    else:
        title, rest = text[: start.start()].strip(), text[start.start() :]
    if not title:
        raise ParseError(line, "expected a paper title before its links")
    links: list[Link] = []
    seen: set[str] = set()
    position = 0
    while position < len(rest):
        if rest[position].isspace():
            position += 1
            continue
        match = _LINK_GROUP.match(rest, position)
        if match is None:
            found = rest[position : position + 40]
            raise ParseError(
                line, f"expected a link like \\[[Paper](https://...)], found {found!r}"
            )
        label = " ".join(match.group("label").split())
        url = _check_url(match.group("url"), line)
        if not url:
            raise ParseError(line, f"expected a URL for the {label!r} link")
        if url in seen:
            raise ParseError(line, f"the link {url} is given twice")
        seen.add(url)
        links.append(Link(kind=link_kind(label), label=label, url=url))
        position = match.end()
    return title, links


def _check_unique_papers(result: ConferenceList) -> None:
    """One paper, one entry: the catalogue keeps one row per arXiv id, DOI and title."""
    seen: dict[tuple[str, str], int] = {}
    for _, _, paper in result.papers():
        arxiv = paper.arxiv
        keys = [("title", paper.normalized_title)] if paper.normalized_title else []
        if arxiv is not None:
            keys.append(("arXiv id", arxiv.id))
        doi = paper.doi
        if doi:
            keys.append(("DOI", doi))
        for key in keys:
            if key in seen:
                raise ParseError(
                    paper.line,
                    f"this paper is already listed at line {seen[key]} (same {key[0]}); "
                    "expected each paper once",
                )
        for key in keys:
            seen[key] = paper.line


def _tidy_block(lines: list[str]) -> str:
    """Collapse runs of blank lines and trim the ends, so the round trip is stable."""
    out: list[str] = []
    for line in lines:
        if not line.strip():
            if out and out[-1]:
                out.append("")
        else:
            out.append(line.rstrip())
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def parse(text: str) -> ConferenceList:
    """Read a conference list; raises ParseError (with a line number) on a malformed file."""
    return _Reader(text).parse()


# --- Writing --------------------------------------------------------------------------------


def write(conference: ConferenceList) -> str:
    """The list as markdown in the community's format: `parse(write(x)) == x`."""
    out: list[str] = [f"# {conference.venue} {conference.year}", ""]
    has_rate = conference.accepted is not None and conference.submitted
    if conference.homepage or conference.paper_list_urls or has_rate or conference.meta_notes:
        out += ["## Meta Info", ""]
        if conference.homepage:
            out += [f"Homepage: [{conference.homepage}]({conference.homepage})", ""]
        if conference.meta_notes:
            out += [conference.meta_notes, ""]
        if conference.paper_list_urls:
            out += ["### Paper List", ""]
            out += [f"* [{url}]({url})" for url in conference.paper_list_urls]
            out.append("")
        if has_rate:
            rate = 100 * conference.accepted / conference.submitted
            out += [
                "### Acceptance Rate",
                "",
                f"{rate:.1f}% (= {conference.accepted} / {conference.submitted})",
                "",
            ]
    out += ["## Papers", ""]
    for area in conference.areas:
        out += [f"### {area.name}", ""]
        for section in area.sections:
            depth = 0
            if section.subtopic:
                out.append(f"* {section.subtopic}")
                depth = 1
            for paper in section.papers:
                out += _paper_lines(paper, depth)
        out.append("")
    if conference.acronyms:
        out += ["## Acronyms", ""]
        out += [f"* {entry.short}: {entry.expansion}" for entry in conference.acronyms]
        out.append("")
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def _paper_lines(paper: ListedPaper, depth: int) -> list[str]:
    pad = " " * (LIST_INDENT * depth)
    sub = " " * (LIST_INDENT * (depth + 1))
    links = "".join(
        f" \\[[{link.label or DEFAULT_LABELS.get(link.kind, 'Link')}]({link.url})]"
        for link in paper.links
    )
    lines = [f"{pad}* {paper.title}{links}"]
    if paper.affiliations:
        lines.append(f"{sub}* {paper.affiliations}")
    elif not paper.system_name and (paper.notes or not paper.links):
        # An empty first sub-bullet says "no affiliations", so the next one is not taken for
        # them and a paper without links is not taken for a subtopic.
        lines.append(f"{sub}*")
    if paper.system_name:
        lines.append(f"{sub}* **{paper.system_name}**")
    lines += _notes_to_list(paper.notes, depth + 1)
    return lines


def _notes_to_list(notes: str, depth: int) -> list[str]:
    """Notes markdown (four spaces per level) as sub-bullets of a paper (two per level)."""
    lines = []
    for raw in notes.splitlines():
        if not raw.strip():
            continue
        width = _indent_width(raw[: len(raw) - len(raw.lstrip())])
        level = width // NOTES_INDENT
        bullet = _BULLET.match(raw)
        text = (bullet.group("text") or "") if bullet else raw.strip()
        lines.append(f"{' ' * (LIST_INDENT * (depth + level))}* {text}".rstrip())
    return lines

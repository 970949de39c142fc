"""The group's schedule README: the format the group has always published its terms in.

One concern per module:
    parsed.py    what the reader returns and the writer takes (plain dataclasses, no database)
    encoding.py  bytes to text, mojibake repair
    syntax.py    the format's small pieces: headings, links, emoji, lists of names, quoting
    years.py     the year rule: which year a `### Month Day` falls in (reader and writer)
    roles.py     which line of a topic is the title, paper, presenters, media; who leads
    reader.py    parse_schedule(text) -> ParsedSchedule, with warnings by line
    writer.py    format_schedule(ParsedSchedule) -> text the reader reads back unchanged
    importer.py  import_schedule(text): the file into the database, one transaction
    exporter.py  export_term(term): the database back into the format
"""

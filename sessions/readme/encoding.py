"""Text as files in the wild arrive: wrong code pages, mojibake'd emoji, BOMs, CR line ends.

Files met in the wild were saved with the wrong encoding, and some bytes of the emoji are lost
for good, so every line is repaired with ftfy and the reader never depends on the emoji.
"""

from __future__ import annotations

import unicodedata

import ftfy


def repair_text(text: str) -> tuple[list[str], int]:
    """Lines of `text`, each repaired by ftfy; and how many needed repair.

    Line by line so that line numbers stay those of the file. Quotes stay curly: the
    requirements are markdown kept as written.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines, repaired = [], 0
    for line in text.split("\n"):
        fixed = ftfy.fix_text(
            line, uncurl_quotes=False, fix_line_breaks=False, fix_character_width=False
        )
        if fixed != line:
            repaired += 1
        lines.append(fixed)
    return lines, repaired


def is_mojibake_or_symbol(char: str) -> bool:
    """Could this character be part of an emoji, or of an emoji decoded with a Windows code page?

    Such text is made of Latin-1 / Latin Extended letters (ð, ğ, â, ï), cp125x punctuation
    and symbols (€, ™, Ÿ), C1 controls and modifiers: nothing a name is written with alone.
    """
    category = unicodedata.category(char)
    if category[0] in "SMC" or category == "Co":
        return True
    code = ord(char)
    if category[0] == "L":
        return 0x80 <= code <= 0x2FF
    if category[0] == "P":
        return code >= 0x80
    return False

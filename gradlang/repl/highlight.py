"""Syntax highlighting of the input: a prompt_toolkit lexer over gradlang's own token patterns.

It uses the language's lexer patterns, so what is a number, a string or a keyword here is
exactly what the parser will think; unlike the parser it never fails on unfinished input.
"""

from __future__ import annotations

from prompt_toolkit.document import Document
from prompt_toolkit.lexers import Lexer
from prompt_toolkit.styles import Style

from ..language.parser import token_patterns

_PATTERNS = token_patterns()  # the parser's compiled token patterns (one regex) and keyword table
KEYWORDS = frozenset(_PATTERNS.keywords) | {"print"}

STYLE = Style.from_dict({
    "keyword": "bold ansiblue",
    "builtin": "ansimagenta",
    "number": "ansicyan",
    "string": "ansigreen",
    "comment": "italic ansibrightblack",
    "operator": "",
    "bottom-toolbar": "noreverse bg:ansibrightblack ansiwhite",
    "bottom-toolbar.key": "bold",
    "bottom-toolbar.off": "bold ansiyellow",
})

_TOKEN_STYLES = {
    "INT": "class:number", "FLOAT": "class:number", "STRING": "class:string", "COMMENT": "class:comment",
    "PRINT": "class:keyword", "OP": "class:operator", "AUGOP": "class:operator",
}


def line_tokens(line: str, builtins) -> list[tuple[str, str]]:
    """(style, text) pieces of one line; text the patterns do not match stays plain."""
    match = _PATTERNS.master.match
    pieces: list[tuple[str, str]] = []
    pos = 0
    while pos < len(line):
        m = match(line, pos)
        if m is None or m.lastgroup in (None, "NL", "CONTINUATION", "ERROR"):
            rest = line[pos:]
            body = rest.lstrip(" \t\f")
            if body[:1] in ("'", '"'):  # a string still being typed
                pieces.append(("", rest[: len(rest) - len(body)]))
                pieces.append(("class:string", body))
                break
            pieces.append(("", line[pos]))
            pos += 1
            continue
        kind = _PATTERNS.kinds[m.lastgroup]
        start, end = m.end("BLANK"), m.end()  # the token follows the blanks
        if start > pos:
            pieces.append(("", line[pos:start]))
        text = line[start:end]
        if kind == "NAME":
            style = "class:keyword" if text in KEYWORDS else "class:builtin" if text in builtins else ""
        elif kind in _TOKEN_STYLES:
            style = _TOKEN_STYLES[kind]
        else:  # brackets and whatever punctuation groups the patterns grow
            style = "" if text[:1].isalnum() or text[:1] == "_" else "class:operator"
        pieces.append((style, text))
        pos = end
    return pieces


class GradlangLexer(Lexer):
    def __init__(self, interpreter) -> None:
        self.interpreter = interpreter

    def lex_document(self, document: Document):
        lines = document.lines
        builtins = self.interpreter.builtins.keys() | {"torch", "math"}

        def get_line(number: int) -> list[tuple[str, str]]:
            if number >= len(lines):
                return []
            return line_tokens(lines[number], builtins)

        return get_line

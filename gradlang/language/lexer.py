"""Source text → tokens, by Python's layout rules, with token shapes taken from the grammar.

Lark's own lexer and Indenter are several times slower than this one (see `parser.py`), so
gradlang tokenizes by itself: names, numbers, strings, keywords and operators come from the
grammar's terminals (so the tables and the lexer cannot disagree); NEWLINE/INDENT/DEDENT,
brackets, comments and line continuations follow Python. The token type is the grammar's
terminal name, which is what the LALR tables are keyed by.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from gradlang.errors import IndentationError_, SyntaxError_

MAX_BRACKET_DEPTH = 200  # Python's limit
MAX_INDENT_DEPTH = 100  # Python's limit

class Token(NamedTuple):
    """A lexer token: terminal name, text and span (1-based, end exclusive)."""

    type: str
    value: str
    line: int
    column: int
    end_line: int
    end_column: int


_new_token = tuple.__new__


_KEYWORD_SHAPE = re.compile(r"[A-Za-z_]\w*\Z")
_STRING_PREFIXES = {"r", "u", "f", "b", "rf", "fr", "rb", "br"}
OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {")": "(", "]": "[", "}": "{"}
_KEYWORDS_AFTER_NUMBERS = {"and", "else", "for", "if", "in", "is", "not", "or"}  # `1if x else 2`, as Python


class Lexer:
    """Python's tokenizer rules, with token shapes taken from the grammar's terminals."""

    def __init__(self, terminals: list) -> None:
        self.keywords: dict[str, str] = {}
        self.operators: dict[str, str] = {}
        patterns = []
        for name, kind, pattern, priority in terminals:
            if kind == "str":
                if _KEYWORD_SHAPE.match(pattern):
                    self.keywords[pattern] = name
                else:
                    self.operators[pattern] = name
            elif name.isidentifier() and not name.startswith("_") and name != "COMMENT":
                patterns.append((-priority, name, pattern))
        # Like Lark's standard lexer: higher priority first (STRING before NAME, so that
        # `f"..."` is a string; FLOAT before INT); operators last, longest first.
        alternatives = [f"(?P<{name}>{pattern})" for _, name, pattern in sorted(patterns)]
        operators = sorted(set(self.operators) - set(OPENERS) - set(CLOSERS), key=len, reverse=True)
        alternatives.append("(?P<OP>" + "|".join(re.escape(op) for op in operators) + ")")
        alternatives.append(r"(?P<OPEN>[(\[{])|(?P<CLOSE>[)\]}])")
        self.master = re.compile(
            r"[ \t\f]*(?:(?P<NL>\n)|(?P<COMMENT>#[^\n]*)|(?P<CONTINUATION>\\\n)|" + "|".join(alternatives) + ")"
        )
        self.openers = {self.operators[c] for c in OPENERS}
        self.closers = {self.operators[c] for c in CLOSERS}

    def tokenize(self, source: str, first_line: int = 1, first_column: int = 1,
                 in_brackets: bool = False) -> list[Token]:
        """All tokens of source, NEWLINE/INDENT/DEDENT included, ending with `$END`.

        `in_brackets` lexes as if inside parentheses (line breaks are spaces, no
        indentation): for an f-string field or a lone expression.
        """
        if "\r" in source:
            source = source.replace("\r\n", "\n").replace("\r", "\n")
        match = self.master.match
        keywords, operators = self.keywords, self.operators
        tokens: list[Token] = []
        append = tokens.append
        n = len(source)
        pos = 0
        line = first_line
        line_start = 1 - first_column  # offset of column 1 of the current line
        brackets: list[Token] = []  # open brackets, innermost last
        indents = [(0, 0)]  # indentation widths with tabs to 8 and to 1 (for TabError)
        # True at the start of a logical line: the next real token decides the indentation.
        at_line_start = not in_brackets

        while True:
            m = match(source, pos)
            if m is None:
                rest = source[pos:].lstrip(" \t\f")
                if not rest:
                    break
                self.fail(source, n - len(rest), line, line_start, tokens)
            kind = m.lastgroup
            end = m.end()
            start = m.start(kind)
            if kind == "NAME" or kind == "OP":  # most tokens: the short way
                column = start - line_start + 1
                if at_line_start:
                    at_line_start = False
                    self.indent(source[line_start:start], indents, line, column, append)
                value = source[start:end]
                ttype = keywords.get(value, "NAME") if kind == "NAME" else operators[value]
                append(_new_token(Token, (ttype, value, line, column, line, column + end - start)))
                pos = end
                continue
            if kind == "NL":
                if not at_line_start and not brackets and not in_brackets:
                    append(_new_token(Token, ("_NEWLINE", "\n", line, start - line_start + 1,
                                              line, start - line_start + 2)))
                    at_line_start = True
                line += 1
                line_start = pos = end
                continue
            if kind == "COMMENT":
                pos = end
                continue
            if kind == "CONTINUATION":
                line += 1
                line_start = pos = end
                continue
            column = start - line_start + 1
            if at_line_start:
                at_line_start = False
                self.indent(source[line_start:start], indents, line, column, append)
            value = source[start:end]
            if kind == "OPEN":
                if len(brackets) >= MAX_BRACKET_DEPTH:
                    raise SyntaxError_("too many nested parentheses", line=line, column=column)
                tok = _new_token(Token, (operators[value], value, line, column, line, column + 1))
                brackets.append(tok)
                append(tok)
            elif kind == "CLOSE":
                if not brackets:
                    raise SyntaxError_(f"unmatched '{value}'", line=line, column=column)
                opener = brackets.pop()
                if opener.value != CLOSERS[value]:
                    where = "" if opener.line == line else f" on line {opener.line}"
                    raise SyntaxError_(
                        f"closing parenthesis '{value}' does not match opening parenthesis '{opener.value}'{where}",
                        line=line, column=column)
                append(_new_token(Token, (operators[value], value, line, column, line, column + 1)))
            elif kind == "STRING" and "\n" in value:  # triple-quoted or backslash-continued
                end_line = line + value.count("\n")
                end_column = end - (start + value.rfind("\n"))
                append(_new_token(Token, ("STRING", value, line, column, end_line, end_column)))
                line = end_line
                line_start = start + value.rfind("\n") + 1
            else:
                if kind in ("INT", "FLOAT") and end < n and (source[end].isalnum() or source[end] == "_"):
                    self.check_number_suffix(source, end, line, column)
                append(_new_token(Token, (kind, value, line, column, line, column + end - start)))
            pos = end

        if brackets:
            opener = brackets[-1]
            raise mark_incomplete(SyntaxError_(f"'{opener.value}' was never closed",
                                               line=opener.line, column=opener.column))
        column = n - line_start + 1
        if not at_line_start and not in_brackets:
            append(_new_token(Token, ("_NEWLINE", "", line, column, line, column)))
        for _ in range(len(indents) - 1):
            append(_new_token(Token, ("_DEDENT", "", line, column, line, column)))
        append(_new_token(Token, ("$END", "", line, column, line, column)))
        return tokens

    @staticmethod
    def indent(text: str, indents: list[tuple[int, int]], line: int, column: int, append) -> None:
        """INDENT/DEDENT tokens for a logical line starting with `text` (its indentation)."""
        if not text.strip(" "):
            width = alt = len(text)
        else:
            width = alt = 0
            for ch in text:
                if ch == " ":
                    width += 1
                    alt += 1
                elif ch == "\t":
                    width = (width // 8 + 1) * 8
                    alt += 1
                else:  # form feed resets the count, as in Python
                    width = alt = 0
        top, alt_top = indents[-1]
        if width == top:
            if alt != alt_top:
                raise IndentationError_("inconsistent use of tabs and spaces in indentation", line=line, column=column)
            return
        if width > top:
            if alt <= alt_top:
                raise IndentationError_("inconsistent use of tabs and spaces in indentation", line=line, column=column)
            if len(indents) > MAX_INDENT_DEPTH:
                raise IndentationError_("too many levels of indentation", line=line, column=column)
            indents.append((width, alt))
            append(_new_token(Token, ("_INDENT", text, line, column, line, column)))
            return
        while width < indents[-1][0]:
            indents.pop()
            append(_new_token(Token, ("_DEDENT", "", line, column, line, column)))
        if width != indents[-1][0]:
            raise IndentationError_("unindent does not match any outer indentation level", line=line, column=column)
        if alt != indents[-1][1]:
            raise IndentationError_("inconsistent use of tabs and spaces in indentation", line=line, column=column)

    def check_number_suffix(self, source: str, end: int, line: int, column: int) -> None:
        """`1abc` is an error, `1if x else 2` is not (Python accepts a keyword there)."""
        word = re.match(r"\w+", source[end:]).group()
        if word in _KEYWORDS_AFTER_NUMBERS:
            return
        if word[0] in "jJ":
            raise SyntaxError_("imaginary numbers are not supported", line=line, column=column)
        raise SyntaxError_("invalid decimal literal", line=line, column=column)

    @staticmethod
    def fail(source: str, p: int, line: int, line_start: int, tokens: list[Token]) -> None:
        """No token matches at offset p: say why."""
        column = p - line_start + 1
        ch = source[p]
        if ch in "'\"":
            previous = tokens[-1] if tokens else None
            if (previous is not None and previous.type == "NAME" and previous.value.lower() in _STRING_PREFIXES
                    and previous.line == line and previous.end_column == column):
                column = previous.column
            if source.startswith(ch * 3, p):
                last_line = line + source.count("\n", p)
                raise mark_incomplete(SyntaxError_(
                    f"unterminated triple-quoted string literal (detected at line {last_line})",
                    line=line, column=column))
            raise SyntaxError_(f"unterminated string literal (detected at line {line})", line=line, column=column)
        if ch == "\\":
            if p + 1 >= len(source):
                raise mark_incomplete(SyntaxError_("unexpected EOF while parsing", line=line, column=column))
            raise SyntaxError_("unexpected character after line continuation character", line=line, column=column)
        raise SyntaxError_(f"invalid character '{ch}' (U+{ord(ch):04X})", line=line, column=column)


def mark_incomplete(error: SyntaxError_) -> SyntaxError_:
    """Mark an error that more input could cure (the REPL then asks for another line)."""
    error._incomplete = True  # type: ignore[attr-defined]
    return error


def is_terminal(symbol: str) -> bool:
    """Is this grammar symbol a terminal (a token type) rather than a rule? Lark's naming:
    terminals are UPPERCASE (`_NEWLINE` too), rules lowercase."""
    return symbol == "$END" or symbol.lstrip("_")[:1].isupper()

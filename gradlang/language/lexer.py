"""Source text → tokens, by Python's layout rules, with token shapes taken from the grammar.

Lark's own lexer and Indenter are several times slower than this one (see `parser.py`), so
gradlang tokenizes by itself: names, numbers, strings, keywords and operators come from the
grammar's terminals (so the tables and the lexer cannot disagree); NEWLINE/INDENT/DEDENT,
brackets, comments and line continuations follow Python. The token type is the grammar's
terminal name, which is what the LALR tables are keyed by.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import NamedTuple

from gradlang.errors import IndentationError_, SyntaxError_

MAX_BRACKET_DEPTH = 200  # Python's limit
MAX_INDENT_DEPTH = 100  # Python's limit

class Token(NamedTuple):
    """The layout of a token: terminal name, text and span (1-based, end exclusive).

    The lexer makes plain tuples in this layout (a NamedTuple costs a fifth of the lexer's
    time more to make): read them by index, or as `Token(*tok)` where speed does not matter.
    """

    type: str
    value: str
    line: int
    column: int
    end_line: int
    end_column: int


_KEYWORD_SHAPE = re.compile(r"[A-Za-z_]\w*\Z")
_STRING_PREFIXES = {"r", "u", "f", "b", "rf", "fr", "rb", "br"}
_NOT_TOKENS = {"NL", "COMMENT", "CONTINUATION", "ERROR"}  # what the master matches that starts no logical line
OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {")": "(", "]": "[", "}": "{"}
_KEYWORDS_AFTER_NUMBERS = {"and", "else", "for", "if", "in", "is", "not", "or"}  # `1if x else 2`, as Python
# Names and operators are tried first when the grammar's regex terminals are these, with
# this NAME: what `_FAST_NAME` and the fast operator pattern were written for (a STRING is
# a quote, or letters then a quote; PRINT the word `print`; FLOAT and INT start with a
# digit or `.`; an AUGOP is an operator followed by `=`).
_FAST_TERMINALS = {"NAME", "INT", "FLOAT", "STRING", "PRINT", "AUGOP"}
_FAST_NAME_OF = r"[^\W\d]\w*"
# An ASCII name, whole (no backtracking; ASCII character sets are the regex engine's quick
# ones), where neither a string (a prefix, then a quote) nor the `print` statement could
# start. Other names are left to NAME in Lark's order.
_FAST_NAME = r"[A-Za-z_][A-Za-z0-9_]*+(?![\w\"'])(?<!\bprint)"


class Lexer:
    """Python's tokenizer rules, with token shapes taken from the grammar's terminals."""

    def __init__(self, terminals: list, fast_first: bool = True) -> None:
        self.fast_first = fast_first  # False: Lark's order only (to check that the order changes nothing)
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
        # The regex tries its alternatives in order and takes the first that matches.
        # Like Lark's standard lexer: higher priority first (STRING before NAME, so that
        # `f"..."` is a string; FLOAT before INT), then operators, longest first. No
        # terminal starts with a bracket or a line break, so these go first (they are
        # frequent, and each alternative tried costs time); comments and continuations
        # last. ERROR takes any other character but a blank: `fail` says what is wrong.
        operators = sorted(set(self.operators) - set(OPENERS) - set(CLOSERS), key=len, reverse=True)
        operator = "|".join(re.escape(op) for op in operators)
        alternatives = [("OPEN", r"[(\[{]"), ("CLOSE", r"[)\]}]"), ("NL", r"\n")]
        late = {}  # the kinds of names and operators matched in Lark's order (see below)
        by_name = {name: pattern for _, name, pattern in patterns}
        if self.fast_first and set(by_name) == _FAST_TERMINALS and by_name["NAME"] == _FAST_NAME_OF:
            # Names and operators, the commonest tokens, first: they cannot match where a
            # terminal that comes before them in Lark's order does, as these patterns
            # see to (a name not followed by a quote, not `print`; an operator not
            # followed by `=` or a digit, without backtracking to a shorter one). Where
            # they do not match, Lark's order follows, and may give a name or an operator.
            alternatives = [("NAME", _FAST_NAME), *alternatives, ("OP", f"(?>{operator})(?![=0-9])")]
            late = {"NAME": "NAME_LATE", "OP": "OP_LATE"}
        alternatives += [(late.get(name, name), pattern) for _, name, pattern in sorted(patterns)]
        alternatives += [(late.get("OP", "OP"), operator), ("COMMENT", r"#[^\n]*"),
                         ("CONTINUATION", r"\\\n"), ("ERROR", r"[^ \t\f\n]")]
        # The kind each group stands for (for highlighting).
        self.kinds = {name: name for name, _ in alternatives} | {v: k for k, v in late.items()}
        # Each kind's group is an empty one after its pattern, not around it: the regex
        # engine skips at once an alternative that starts with a character (class) the
        # text does not, but not one that starts with a group. The token is what follows
        # the BLANK group; the last group matched names its kind.
        self.master = re.compile(
            r"(?P<BLANK>[ \t\f]*)(?:" + "|".join(f"(?:{pattern})(?P<{name}>)" for name, pattern in alternatives) + ")")
        if self.master.groups != len(alternatives) + 1:
            raise RuntimeError("gradlang.lark: a terminal's pattern has a capturing group")
        # The type of a NAME or OP token, by its text: a keyword's or an operator's terminal.
        self.spellings = {**self.operators, **self.keywords}
        self.openers = {self.operators[c] for c in OPENERS}
        self.closers = {self.operators[c] for c in CLOSERS}

    def tokenize(self, source: str, first_line: int = 1, first_column: int = 1,
                 in_brackets: bool = False) -> list[tuple]:
        """All tokens of source (tuples laid out as `Token`), NEWLINE/INDENT/DEDENT
        included, ending with `$END`.

        `in_brackets` lexes as if inside parentheses (line breaks are spaces, no
        indentation): for an f-string field or a lone expression.
        """
        (tokens,) = self.chunks(source, first_line, first_column, in_brackets, size=sys.maxsize)
        return tokens

    def chunks(self, source: str, first_line: int = 1, first_column: int = 1, in_brackets: bool = False,
               size: int = 500) -> Iterator[list[tuple]]:
        """The tokens of `tokenize`, in lists of about `size` tokens (each ends at a line
        break), made as the parser takes them: a parser fed this way reads tokens still in
        the processor's caches, and their memory is reused as soon as it is done with them."""
        if "\r" in source:
            source = source.replace("\r\n", "\n").replace("\r", "\n")
        spellings, operators = self.spellings, self.operators
        tokens: list[tuple] = []
        append = tokens.append
        line = first_line
        base = -first_column  # the offset before column 1 of the current line: column = offset - base
        brackets: list[tuple] = []  # open brackets, innermost last
        indents = [(0, 0)]  # indentation widths with tabs to 8 and to 1 (for TabError)
        # True at the start of a logical line: the next real token decides the indentation.
        at_line_start = not in_brackets
        level = ""  # the indentation of the last logical line: a line indented the same needs no check

        # Every character is matched (ERROR takes any other), so the matches follow each
        # other without gaps; only trailing whitespace is left over.
        for m in self.master.finditer(source):
            kind = m.lastgroup
            if at_line_start and kind not in _NOT_TOKENS:  # a logical line's first token: its indentation
                at_line_start = False
                start = m.end(1)
                if source[base + 1:start] != level:
                    level = self.indent(source[base + 1:start], indents, line, start - base, append)
            if kind == "NAME" or kind == "OP":  # most tokens: the short way
                start = m.end(1)  # (the BLANK group's end)
                end = m.end()
                value = source[start:end]
                append((spellings.get(value, "NAME"), value, line, start - base, line, end - base))
            elif kind == "OPEN":
                start = m.end(1)
                column = start - base
                if len(brackets) >= MAX_BRACKET_DEPTH:
                    raise SyntaxError_("too many nested parentheses", line=line, column=column)
                value = source[start]
                tok = (operators[value], value, line, column, line, column + 1)
                brackets.append(tok)
                append(tok)
            elif kind == "CLOSE":
                start = m.end(1)
                column = start - base
                value = source[start]
                if not brackets:
                    raise SyntaxError_(f"unmatched '{value}'", line=line, column=column)
                _, opened, opened_line, _, _, _ = brackets.pop()
                if opened != CLOSERS[value]:
                    where = "" if opened_line == line else f" on line {opened_line}"
                    raise SyntaxError_(
                        f"closing parenthesis '{value}' does not match opening parenthesis '{opened}'{where}",
                        line=line, column=column)
                append((operators[value], value, line, column, line, column + 1))
            elif kind == "NL":
                end = m.end()  # the line break is the match's last character
                if not at_line_start and not brackets and not in_brackets:
                    column = end - 1 - base
                    append(("_NEWLINE", "\n", line, column, line, column + 1))
                    at_line_start = True
                    if len(tokens) >= size:
                        yield tokens
                        tokens = []
                        append = tokens.append
                line += 1
                base = end - 1
            elif kind == "CONTINUATION":
                line += 1
                base = m.end() - 1
            elif kind != "COMMENT":
                start = m.end(1)
                end = m.end()
                column = start - base
                if kind == "ERROR":
                    self.fail(source, start, line, column, tokens)
                value = source[start:end]
                if kind == "NAME_LATE" or kind == "OP_LATE":
                    append((spellings.get(value, "NAME"), value, line, column, line, end - base))
                elif kind == "STRING" and "\n" in value:  # triple-quoted or backslash-continued
                    last_newline = start + value.rfind("\n")
                    end_line = line + value.count("\n")
                    append(("STRING", value, line, column, end_line, end - last_newline))
                    line = end_line
                    base = last_newline
                else:
                    if kind in ("INT", "FLOAT") and end < len(source) and (source[end].isalnum() or source[end] == "_"):
                        self.check_number_suffix(source, end, line, column)
                    append((kind, value, line, column, line, end - base))

        if brackets:
            _, opened, opened_line, opened_column, _, _ = brackets[-1]
            raise mark_incomplete(SyntaxError_(f"'{opened}' was never closed", line=opened_line, column=opened_column))
        column = len(source) - base
        if not at_line_start and not in_brackets:
            append(("_NEWLINE", "", line, column, line, column))
        for _ in range(len(indents) - 1):
            append(("_DEDENT", "", line, column, line, column))
        append(("$END", "", line, column, line, column))
        yield tokens

    @staticmethod
    def indent(text: str, indents: list[tuple[int, int]], line: int, column: int, append) -> str:
        """INDENT/DEDENT tokens for a logical line starting with `text` (its indentation),
        which it returns."""
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
            return text
        if width > top:
            if alt <= alt_top:
                raise IndentationError_("inconsistent use of tabs and spaces in indentation", line=line, column=column)
            if len(indents) > MAX_INDENT_DEPTH:
                raise IndentationError_("too many levels of indentation", line=line, column=column)
            indents.append((width, alt))
            append(("_INDENT", text, line, column, line, column))
            return text
        while width < indents[-1][0]:
            indents.pop()
            append(("_DEDENT", "", line, column, line, column))
        if width != indents[-1][0]:
            raise IndentationError_("unindent does not match any outer indentation level", line=line, column=column)
        if alt != indents[-1][1]:
            raise IndentationError_("inconsistent use of tabs and spaces in indentation", line=line, column=column)
        return text

    def check_number_suffix(self, source: str, end: int, line: int, column: int) -> None:
        """`1abc` is an error, `1if x else 2` is not (Python accepts a keyword there)."""
        word = re.match(r"\w+", source[end:]).group()
        if word in _KEYWORDS_AFTER_NUMBERS:
            return
        if word[0] in "jJ":
            raise SyntaxError_("imaginary numbers are not supported", line=line, column=column)
        raise SyntaxError_("invalid decimal literal", line=line, column=column)

    @staticmethod
    def fail(source: str, p: int, line: int, column: int, tokens: list[tuple]) -> None:
        """No token matches at offset p (line:column): say why."""
        ch = source[p]
        if ch in "'\"":
            previous = Token(*tokens[-1]) if tokens else None
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

"""String literals: escape sequences and f-strings.

The lexer hands over whole string tokens (`r"..."`, `f'''...'''`); this module turns
their text into values. An f-string becomes a list of parts, literal text and
`FormattedValue` fields, whose expressions are parsed by the caller's `parse_field`
(the real parser, given the real line and column of the expression so that errors and
AST positions point into the original source). Semantics are Python 3.11's: the
expression part of a field may not hold a backslash or `#`, nor the f-string's own quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gradlang.errors import SyntaxError_
from gradlang.language.syntax import Expr, FormattedValue, shifted

ParseField = Callable[[str, int, int], Expr]

_SIMPLE_ESCAPES = {
    "\n": "", "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f",
    "n": "\n", "r": "\r", "t": "\t", "v": "\v",
}
_ESCAPE = re.compile(
    r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}\n]*\}|[0-7]{1,3}|[\s\S])?"
)
# The characters the f-string readers stop at; they skip everything else in one step.
_LITERAL_STOP = re.compile(r"[\\{}]")
_FIELD_STOP = re.compile(r"[()\[\]{}'\"\\#!:=<>]")
_TRUNCATED = {"x": r"truncated \xXX escape", "u": r"truncated \uXXXX escape",
              "U": r"truncated \UXXXXXXXX escape", "N": r"malformed \N character escape"}


def _next_stop(search, body: str, i: int) -> int:
    """Where the next character `search` looks for is, from offset i on (len(body) if none)."""
    stop = search(body, i)
    return len(body) if stop is None else stop.start()


class EscapeError(Exception):
    """A bad escape sequence: `message`, at `offset` in the decoded text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def decode_escapes(text: str) -> str:
    """Python's escape sequences in a non-raw string body. Unknown escapes such as `\\d`
    keep their backslash, as in Python. Raises EscapeError for a malformed one."""
    if "\\" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code is None:  # a backslash at the very end (before an f-string field)
            return "\\"
        simple = _SIMPLE_ESCAPES.get(code)
        if simple is not None:
            return simple
        kind = code[0]
        if len(code) == 1:
            if kind in _TRUNCATED:
                raise EscapeError("(unicode error) " + _TRUNCATED[kind], match.start())
            if kind in "01234567":
                return chr(int(code, 8))
            return "\\" + code
        if kind in "xuU":
            value = int(code[1:], 16)
            if value > 0x10FFFF:
                raise EscapeError("(unicode error) illegal Unicode character", match.start())
            return chr(value)
        if kind == "N":
            import unicodedata

            try:
                return unicodedata.lookup(code[2:-1])
            except KeyError:
                raise EscapeError("(unicode error) unknown Unicode character name", match.start()) from None
        return chr(int(code, 8))

    return _ESCAPE.sub(replace, text)


def split_string_token(text: str) -> tuple[str, str, int]:
    """`(prefix in lower case, body, offset of the body in text)` of a string token."""
    start = 0
    while text[start] not in "'\"":
        start += 1
    quote = text[start]
    width = 3 if text.startswith(quote * 3, start) else 1
    return text[:start].lower(), text[start + width : len(text) - width], start + width


class _FStringReader:
    """Reads one f-string body; positions are computed from the body's start."""

    def __init__(self, body: str, raw: bool, line: int, column: int, parse_field: ParseField) -> None:
        self.body = body
        self.raw = raw
        self.line = line
        self.column = column
        self.parse_field = parse_field

    def position(self, offset: int) -> tuple[int, int]:
        body = self.body
        newline = body.rfind("\n", 0, offset)
        if newline < 0:
            return self.line, self.column + offset
        return self.line + body.count("\n", 0, offset), offset - newline

    def error(self, message: str, offset: int) -> SyntaxError_:
        line, column = self.position(offset)
        return SyntaxError_(message, line=line, column=column)

    def literal(self, parts: list[str | FormattedValue], start: int, end: int) -> None:
        text = self.body[start:end]
        if not text:
            return
        if not self.raw and "\\" in text:
            try:
                text = decode_escapes(text)
            except EscapeError as exc:
                raise self.error(exc.message, start + exc.offset) from None
        if parts and isinstance(parts[-1], str):
            parts[-1] += text
        else:
            parts.append(text)

    def parts(self, i: int, in_spec: bool) -> tuple[list[str | FormattedValue], int]:
        """Literal text and fields from offset i up to the end of the body, or (in a format
        spec) up to the `}` that closes the field. Returns the parts and where it stopped."""
        body, n = self.body, len(self.body)
        search = _LITERAL_STOP.search
        parts: list[str | FormattedValue] = []
        chunk = i
        while True:
            i = _next_stop(search, body, i)
            if i == n:
                break
            ch = body[i]
            if ch == "\\":
                if self.raw:
                    i += 1
                    continue
                if body.startswith("N{", i + 1):  # \N{NAME}: its braces are not a field
                    close = body.find("}", i + 3)
                    i = n if close < 0 else close + 1
                else:
                    i += 2
                continue
            if ch == "{":
                if not in_spec and body.startswith("{", i + 1):
                    self.literal(parts, chunk, i + 1)
                    i = chunk = i + 2
                    continue
                if i > chunk:
                    self.literal(parts, chunk, i)
                i = self.field(parts, i)
                chunk = i
                continue
            if ch == "}":
                if in_spec:
                    break
                if body.startswith("}", i + 1):
                    self.literal(parts, chunk, i + 1)
                    i = chunk = i + 2
                    continue
                raise self.error("f-string: single '}' is not allowed", i)
        if i > chunk:
            self.literal(parts, chunk, i)
        return parts, i

    def field(self, parts: list[str | FormattedValue], start: int) -> int:
        """Appends the field whose `{` is at offset start (after its source text, for
        `{x=}`) to parts; returns the offset after its `}`."""
        body, n = self.body, len(self.body)
        search = _FIELD_STOP.search
        j = start + 1
        depth = 0
        debug = False
        while True:
            j = _next_stop(search, body, j)
            if j == n:
                break
            ch = body[j]
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                if depth == 0:
                    if ch == "}":
                        break
                    raise self.error(f"f-string: unmatched '{ch}'", j)
                depth -= 1
            elif ch in "'\"":
                triple = body.startswith(ch * 3, j)
                close = body.find(ch * 3 if triple else ch, j + (3 if triple else 1))
                if close < 0:
                    raise self.error("f-string: unterminated string", j)
                backslash = body.find("\\", j, close)
                if backslash >= 0:
                    raise self.error("f-string expression part cannot include a backslash", backslash)
                j = close + (3 if triple else 1)
                continue
            elif ch == "\\":
                raise self.error("f-string expression part cannot include a backslash", j)
            elif ch == "#":
                raise self.error("f-string expression part cannot include '#'", j)
            elif depth == 0:
                if ch in "!<>=" and body.startswith("=", j + 1):  # != <= >= ==
                    j += 2
                    continue
                if ch in "!:":
                    break
                if ch == "=":
                    debug = True
                    break
            j += 1
        expr_end = j
        if j >= n:
            raise self.error("f-string: expecting '}'", start)
        text = body[start + 1 : expr_end]
        if not text.strip():
            raise self.error("f-string: empty expression not allowed", start)
        line, column = self.position(start + 1)
        value = self.parse_field(text, line, column)
        if debug:
            j += 1
            while j < n and body[j] in " \t\n\r\f":
                j += 1
            debug_text = body[start + 1 : j]
        conversion = None
        if j < n and body[j] == "!":
            conversion = body[j + 1 : j + 2]
            if conversion not in ("s", "r", "a"):
                raise self.error("f-string: invalid conversion character: expected 's', 'r', or 'a'", j + 1)
            j += 2
        format_spec = None
        if j < n and body[j] == ":":
            format_spec, j = self.parts(j + 1, in_spec=True)
        if j >= n or body[j] != "}":
            raise self.error("f-string: expecting '}'", min(j, n - 1) if n else 0)
        if debug and conversion is None and format_spec is None:
            conversion = "r"  # `{x=}` shows repr(x), as in Python
        if debug:
            if parts and isinstance(parts[-1], str):
                parts[-1] += debug_text
            else:
                parts.append(debug_text)
        # The field's `{` is just before its expression, and its `}` on the same line
        # unless a line break comes between.
        if body.find("\n", start, j) < 0:
            end_line, end_column = line, column + j - start
        else:
            end_line, end_column = self.position(j + 1)
        parts.append(FormattedValue(value, conversion, format_spec, line, column - 1, end_line, end_column))
        return j + 1


# A one-line f-string's parts, read once, by (body, raw, field parser): where it stands
# again (a `print(f"...")` in a loop, or a script's repeated reports) all its positions move
# alike, so a moved copy is what reading it again would give (the tests compare the two).
_READ: dict[tuple, tuple[list, int, int]] = {}
_READ_KEPT = 4096


def read_fstring(body: str, raw: bool, line: int, column: int,
                 parse_field: ParseField) -> list[str | FormattedValue]:
    """The parts of an f-string whose body (the text between the quotes) starts at
    line:column of the source."""
    key = (body, raw, parse_field)
    known = _READ.get(key)
    if known is not None:
        parts, known_line, known_column = known
        return shifted(parts, line - known_line, column - known_column)
    reader = _FStringReader(body, raw, line, column, parse_field)
    parts, _ = reader.parts(0, in_spec=False)
    if "\n" not in body and len(_READ) < _READ_KEPT:
        _READ[key] = (parts, line, column)
        return shifted(parts, 0, 0)  # the kept one is never handed out
    return parts


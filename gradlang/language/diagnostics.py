"""How errors and warnings are shown: `FILE:LINE:COL: TYPE: message`, the line, a caret."""

from __future__ import annotations

from ..errors import GradlangError

RED = "\x1b[31m"
YELLOW = "\x1b[33m"
BOLD = "\x1b[1m"
RESET = "\x1b[0m"


def caret_lines(source_line: str | None, column: int | None, end_column: int | None = None) -> list[str]:
    """The offending source line and a caret under the place (empty when unknown)."""
    if not source_line or column is None:
        return []
    text = source_line.rstrip("\n").expandtabs(8)
    stripped = text.lstrip()
    shift = len(text) - len(stripped)
    start = max(column - 1 - shift, 0)
    width = 1
    if end_column is not None and end_column > column:
        width = min(end_column - column, max(len(stripped) - start, 1))
    return ["    " + stripped, "    " + " " * start + "^" + "~" * (width - 1)]


def format_error(error: GradlangError, *, with_location: bool = True, color: bool = False) -> str:
    """The text a user sees for an error: one headline, then the source line and a caret."""
    headline = error.headline
    if with_location and error.line is not None:
        headline = f"{error.filename or '<input>'}:{error.line}:{error.column or 1}: {headline}"
    if color:
        headline = f"{BOLD}{RED}{headline}{RESET}"
    lines = [headline]
    lines += caret_lines(error.source_line, error.column, getattr(error, "end_column", None))
    return "\n".join(lines)


def format_warning(category: str, message: str, *, color: bool = False) -> str:
    text = f"{category}: {message}"
    return f"{YELLOW}{text}{RESET}" if color else text

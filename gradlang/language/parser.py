"""Source text → AST (`syntax.py`), never evaluating anything: the parser's public API.

How it is put together, and why (a module per step; the imports point one way,
lexer ← checks ← ast_builders ← tables ← syntax_errors ← lalr ← parser):

- `lexer`: tokens come from our own lexer, built from the grammar's terminals plus
  Python's layout rules (NEWLINE/INDENT/DEDENT, brackets, comments). Lark's own lexer,
  Indenter and tree building parse about 7 000 lines/s here; this pipeline about 50 000
  (bench W6). Tokens are plain tuples, and the parser takes them as they are made.
- `tables`: the grammar is `gradlang.lark` (LALR(1), checked conflict-free by Lark's
  strict mode). Lark computes the LALR tables once; they are cached with marshal, so a
  process that parses does not even import Lark (start-up is a product feature).
- `lalr`: a small LALR driver runs the tables and builds AST nodes as it reduces
  (`ast_builders`, one function per rule or `-> alias` of the grammar).
- `syntax_errors`: a rejected token becomes a message worded for users, from the
  terminals the tables would have accepted there.
- `checks`: what Python checks beyond its grammar (assignment targets, `return` outside
  a function, nesting depth), while building and after parsing.

Public API: `parse`, `parse_expression`, `is_incomplete`, `split_top_level`, and
`token_patterns` for the REPL's highlighting.
"""

from __future__ import annotations

import gc
import re
from itertools import chain

from gradlang.errors import SyntaxError_
from gradlang.language import syntax as ast
from gradlang.language.ast_builders import use_fstring_field_parser
from gradlang.language.checks import check_depth, check_statements
from gradlang.language.lalr import run
from gradlang.language.lexer import Lexer, Token, mark_incomplete
from gradlang.language.tables import get_tables

__all__ = ["parse", "parse_expression", "is_incomplete", "split_top_level", "token_patterns", "Token"]


_FIELDS: dict[str, tuple] = {}  # an f-string field's text -> its expression, parsed once, and where
_FIELDS_KEPT = 4096


def _parse_fstring_field(text: str, line: int, column: int) -> ast.Expr:
    lexer = get_tables().lexer
    # The commonest field, one name (`{x}`), is the Name the parser would make of it.
    if text.isidentifier() and text not in lexer.keywords:  # (isidentifier: a quick first sieve)
        m = lexer.master.fullmatch(text)
        if m is not None and lexer.kinds[m.lastgroup] == "NAME":
            return ast.Name(text, line, column, line, column + len(text))
    known = _FIELDS.get(text)
    if known is not None:  # the same field met before (`{loss.item():.4f}` in a loop): moved here
        expression, known_line, known_column = known
        return ast.shifted(expression, line - known_line, column - known_column)
    tokens = lexer.tokenize(text, line, column, in_brackets=True)
    if len(tokens) == 1:
        raise SyntaxError_("f-string: empty expression not allowed", line=line, column=column)
    try:
        expression = run(tokens, "expression_input")
        if "\n" not in text and len(_FIELDS) < _FIELDS_KEPT:  # one line: every node moves alike
            _FIELDS[text] = (expression, line, column)
        return ast.shifted(expression, 0, 0)  # the kept one is never handed out
    except SyntaxError_ as exc:
        exc._incomplete = False  # type: ignore[attr-defined]  # an f-string is complete
        if not exc.message.startswith("f-string"):
            exc.message = f"f-string: {exc.message}"
            exc.args = (exc.message,)
        raise


# The f-string builder parses `{field}`s with it: handed over, as the builders sit below the driver.
use_fstring_field_parser(_parse_fstring_field)


def _locate(exc: SyntaxError_, source: str, filename: str, first_line: int) -> SyntaxError_:
    exc.filename = filename
    if exc.line is not None and exc.source_line is None:
        lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # as the lexer counts lines
        index = exc.line - first_line
        if 0 <= index < len(lines):
            exc.source_line = lines[index]
    return exc


def parse(source: str, filename: str = "<input>", first_line: int = 1) -> ast.Module:
    """Parse a program (or one top-level chunk whose first line is `first_line` of its file).

    Raises SyntaxError_ (IndentationError_ for indentation problems) with line, column,
    filename and source_line; never another exception.
    """
    # The AST is a tree (no cycles): the garbage collector's passes over the thousands of
    # new nodes only cost time (about a third of the parse), so it pauses meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        lexer = get_tables().lexer
        try:  # the parser takes the tokens as the lexer makes them (see Lexer.chunks)
            module = run(chain.from_iterable(lexer.chunks(source, first_line)), "module")
        except Exception:
            # An error (or `print` to read again as a name: NeedsTokenList): parse again the
            # whole token list, lexed first, so that the error is the one that order gives
            # (a lexing error anywhere comes first) and is told with all the tokens at hand.
            module = run(lexer.tokenize(source, first_line), "module")
        check_statements(module.body, False, False)
        return module
    except SyntaxError_ as exc:
        raise _locate(exc, source, filename, first_line) from None
    finally:
        if collecting:
            gc.enable()


def parse_expression(source: str, filename: str = "<input>") -> ast.Expr:
    """Parse a single expression (`a, b` is a tuple; line breaks count as spaces)."""
    try:
        tokens = get_tables().lexer.tokenize(source, 1, 1, in_brackets=True)
        if len(tokens) == 1:
            _, _, line, column, _, _ = tokens[0]
            raise mark_incomplete(SyntaxError_("expected an expression", line=line, column=column))
        expression = run(tokens, "expression_input")
        check_depth(expression)
        return expression
    except SyntaxError_ as exc:
        raise _locate(exc, source, filename, 1) from None


_COMPOUND = (ast.If, ast.While, ast.For, ast.FunctionDef, ast.With, ast.Try)


def is_incomplete(source: str) -> bool:
    """True when `source` (the lines typed so far, joined with "\\n") could still become a
    valid program with more lines: an open bracket or triple-quoted string, a trailing
    backslash, a `:` waiting for its block, or a compound statement not yet ended by an
    empty line. A final "\\n" means the user entered an empty line: the block is done (and
    a missing block is then an error, as in Python's REPL)."""
    if not source.strip():
        return False
    lines = source.split("\n")
    ended_by_blank_line = len(lines) > 1 and not lines[-1].strip()
    try:
        tokens = get_tables().lexer.tokenize(source)
    except SyntaxError_ as exc:
        return getattr(exc, "_incomplete", False)
    try:
        module = run(tokens, "module")
    except SyntaxError_ as exc:
        return getattr(exc, "_incomplete", False) and not ended_by_blank_line
    if ended_by_blank_line or not module.body:
        return False
    return isinstance(module.body[-1], _COMPOUND)


_CONTINUATION_KEYWORD = re.compile(r"(else|elif|except|finally)\b")
_INTERESTING = re.compile(r"[#\"'()\[\]{}\\\n]")


def _continued_lines(source: str) -> set[int]:
    """0-based numbers of the physical lines that continue the previous one (inside
    brackets, in a triple-quoted string, after a backslash). Tolerant of broken input."""
    continued: set[int] = set()
    depth = 0
    line = 0
    i = 0
    n = len(source)
    search = _INTERESTING.search
    while True:
        m = search(source, i)
        if m is None:
            break
        i = m.start()
        ch = source[i]
        if ch == "\n":
            line += 1
            if depth:
                continued.add(line)
            i += 1
        elif ch == "#":
            newline = source.find("\n", i)
            i = n if newline < 0 else newline
        elif ch in "\"'":
            triple = source.startswith(ch * 3, i)
            j = i + (3 if triple else 1)
            while j < n:
                c = source[j]
                if c == "\\":
                    j += 2
                    continue
                if c == "\n" and not triple:
                    break
                if c == ch and (not triple or source.startswith(ch * 3, j)):
                    j += 3 if triple else 1
                    break
                j += 1
            for _ in range(source.count("\n", i, min(j, n))):
                line += 1
                continued.add(line)
            i = j
        elif ch in "([{":
            depth += 1
            i += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
            i += 1
        else:  # backslash
            if source.startswith("\n", i + 1):
                line += 1
                continued.add(line)
            i += 2
    return continued


def split_top_level(source: str) -> list[tuple[int, str]]:
    """The top-level statements as an interactive session submits them: (number of the
    first line, text). A chunk ends at an empty line, or before the next line that starts
    at column 0 and is not `else`/`elif`/`except`/`finally`; lines inside brackets or
    strings stay with their statement, and a decorator line with what follows it. A chunk
    is returned even when it has a syntax error, so that the caller can report it
    (`parse(text, filename, first_line=n)` gives the real line numbers) and go on with the
    next one."""
    if "\r" in source:
        source = source.replace("\r\n", "\n").replace("\r", "\n")
    continued = _continued_lines(source)
    chunks: list[tuple[int, str]] = []
    current: list[str] = []
    current_start = 0

    def close() -> None:
        while current and (not current[-1].strip() or current[-1].lstrip().startswith("#")):
            current.pop()
        if current:
            chunks.append((current_start + 1, "\n".join(current) + "\n"))
        current.clear()

    decorated = False  # the last logical line at column 0 was a decorator: the next one belongs with it
    for index, text in enumerate(source.split("\n")):
        if index in continued and current:
            current.append(text)
            continue
        stripped = text.strip()
        if not stripped:
            close()
            continue
        if stripped.startswith("#"):
            if current:
                current.append(text)
            continue
        if current and (text[0] in " \t\f" or _CONTINUATION_KEYWORD.match(stripped) or decorated):
            current.append(text)
        else:
            close()
            current_start = index
            current.append(text)
        if text[0] not in " \t\f":
            decorated = text[0] == "@"
    close()
    return chunks


def token_patterns() -> Lexer:
    """The lexer the parser uses: its `master` regex (the token follows the BLANK group;
    the last group matched, an empty one, names its kind) and its `keywords` table, for
    highlighting that agrees with the parser."""
    return get_tables().lexer

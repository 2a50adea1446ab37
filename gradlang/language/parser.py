"""Source text → AST (`syntax.py`), never evaluating anything.

How it is put together, and why:

- The grammar is `gradlang.lark` (LALR(1), checked conflict-free by Lark's strict mode).
  Lark computes the LALR tables; we keep them, as plain JSON, in a cache file in the
  user's cache directory (with the grammar they were made from, to check), so that a
  process that parses does not even import Lark once the cache exists: loading takes
  ~5 ms, where Lark's own cache takes ~70 ms and a Lark standalone parser ~45 ms
  (start-up is a product feature: see `_tables`).
- Tokens come from our own lexer, built from the grammar's terminals (names, numbers,
  strings, keywords, operators) plus Python's layout rules (NEWLINE/INDENT/DEDENT,
  brackets, comments). Lark's own lexer, Indenter and tree building parse about 7 000
  lines/s here; this pipeline about 60 000.
- A small LALR driver runs the tables and builds AST nodes as it reduces (the `_build_*`
  functions below, named after the grammar's rules and `-> aliases`). A `?rule` with one
  child is a plain state change: the precedence ladder costs no call.
- Syntax errors are worded for users: the driver re-runs the tokens before the bad one
  and asks the tables which terminals would have been accepted there.

Public API: `parse`, `parse_expression`, `is_incomplete`, `split_top_level`.
"""

from __future__ import annotations

import gc
import json
import os
import re
import zlib
from itertools import islice
from typing import NamedTuple

from gradlang.errors import IndentationError_, SyntaxError_
from gradlang.language import syntax as ast
from gradlang.language.fstrings import EscapeError, decode_escapes, read_fstring, split_string_token

__all__ = ["parse", "parse_expression", "is_incomplete", "split_top_level", "Token"]

GRAMMAR_PATH = os.path.join(os.path.dirname(__file__), "gradlang.lark")  # (os.path: pathlib costs 3 ms)
_TABLE_FORMAT = "gradlang-lalr-2"  # bump when the cached table layout changes
MAX_BRACKET_DEPTH = 200  # Python's limit
MAX_INDENT_DEPTH = 100  # Python's limit
MAX_EXPRESSION_DEPTH = 500  # so that recursive passes over the AST stay within Python's stack


class Token(NamedTuple):
    """A lexer token: terminal name, text and span (1-based, end exclusive)."""

    type: str
    value: str
    line: int
    column: int
    end_line: int
    end_column: int


_new_token = tuple.__new__


# ====================================================================== tables

def _cache_dir() -> str:
    override = os.environ.get("GRADLANG_CACHE_DIR")
    if override:
        return override
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "gradlang")


def _build_tables_with_lark(grammar: str) -> dict:
    """Run Lark's LALR(1) analysis and keep what the driver needs, as JSON-able data."""
    import lark
    from lark.lexer import Lexer

    class _NoLexer(Lexer):  # our own lexer tokenizes; Lark only computes the tables
        def __init__(self, lexer_conf: object) -> None:
            pass

        def lex(self, lexer_state: object, parser_state: object):  # pragma: no cover
            raise NotImplementedError

    larker = lark.Lark(
        grammar, parser="lalr", lexer=_NoLexer, start=["module", "expression_input"],
        keep_all_tokens=True, strict=True,  # strict: a shift/reduce conflict is an error
    )
    parse_table = larker.parser.parser.parser.parse_table
    rule_index = {rule: i for i, rule in enumerate(larker.rules)}
    rules = [
        [rule.origin.name, [sym.name for sym in rule.expansion], rule.alias,
         bool(rule.options.expand1), list(rule.options.empty_indices) or None]
        for rule in larker.rules
    ]
    states = []
    for state in range(len(parse_table.states)):
        row = {}
        for symbol, (action, arg) in parse_table.states[state].items():
            row[symbol] = arg if action.name == "Shift" else -1 - rule_index[arg]
        states.append(row)
    terminals = []
    for term in larker.terminals:
        kind = "str" if type(term.pattern).__name__ == "PatternStr" else "re"
        terminals.append([term.name, kind, term.pattern.value if kind == "str" else term.pattern.to_regexp(),
                          term.priority])
    return {"format": _TABLE_FORMAT, "rules": rules, "states": states, "terminals": terminals,
            "start": parse_table.start_states, "end": parse_table.end_states}


def _load_table_data() -> dict:
    """The LALR tables: from the cache file when it was made from this very grammar, else
    built by Lark (and saved for next time if the cache directory is writable; never an
    error if it is not). The file keeps the grammar it was made from, to check."""
    with open(GRAMMAR_PATH, encoding="utf-8") as file:
        grammar = file.read()
    key = f"{zlib.crc32(grammar.encode()):08x}-{len(grammar)}"
    path = os.path.join(_cache_dir(), f"grammar-{key}.json")
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
        if data.get("format") == _TABLE_FORMAT and data.get("grammar") == grammar:
            return data
    except (OSError, ValueError, AttributeError):
        pass
    data = _build_tables_with_lark(grammar)
    data["grammar"] = grammar
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(data, file, separators=(",", ":"))
        os.replace(temporary, path)
    except OSError:
        pass
    return data


class _Tables:
    """Everything built once per process: the LALR tables, one reducer per rule, the lexer."""

    def __init__(self, data: dict) -> None:
        self.actions: list[dict[str, int]] = data["states"]
        self.start: dict[str, int] = data["start"]
        self.end: dict[str, int] = data["end"]
        self.rules: list[tuple[int, str, object]] = [_make_reducer(*rule) for rule in data["rules"]]
        self.lexer = _Lexer(data["terminals"])
        self.terminals = sorted({sym for row in self.actions for sym in row if _is_terminal(sym)})
        self.display = dict(_TERMINAL_WORDS)
        for name, kind, pattern, _ in data["terminals"]:
            self.display.setdefault(name, f"'{pattern}'" if kind == "str" else name.lower())
        operators = self.lexer.operators
        self.continuations = {operators[s] for s in _CONTINUATION_SPELLINGS if s in operators}
        self.continuations.update(_CONTINUATION_KEYWORDS)
        spellings = {**self.lexer.operators, **self.lexer.keywords}
        self.expression_starts = _EXPRESSION_STARTS | {spellings[s] for s in _EXPRESSION_START_SPELLINGS}
        self.comma, self.equal = spellings[","], spellings["="]
        self.unit_chains: dict[tuple[int, int, str], int] = {}
        self.gotos: dict[tuple[int, str, str], int] = {}

    def goto_and_unit_chain(self, below: int, origin: str, terminal: str) -> int:
        """The state after reducing to `origin` over state `below`, then following the
        one-child reductions that `terminal` causes."""
        return self.follow_unit_chain(below, self.actions[below][origin], terminal)

    def follow_unit_chain(self, below: int, state: int, terminal: str) -> int:
        """The state after all the one-child `?rule` reductions that `terminal` causes
        from `state` (with `below` under it on the stack)."""
        while True:
            code = self.actions[state].get(terminal)
            if code is None or code >= 0:
                return state
            _, origin, build = self.rules[~code]
            if build is not None:
                return state
            state = self.actions[below][origin]


def _is_terminal(symbol: str) -> bool:
    return symbol == "$END" or symbol.lstrip("_")[:1].isupper()


_TABLES: _Tables | None = None


def _tables() -> _Tables:
    global _TABLES
    if _TABLES is None:
        _TABLES = _Tables(_load_table_data())
    return _TABLES


# ====================================================================== lexer

_KEYWORD_SHAPE = re.compile(r"[A-Za-z_]\w*\Z")
_STRING_PREFIXES = {"r", "u", "f", "b", "rf", "fr", "rb", "br"}
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_KEYWORDS_AFTER_NUMBERS = {"and", "else", "for", "if", "in", "is", "not", "or"}  # `1if x else 2`, as Python


class _Lexer:
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
        operators = sorted(set(self.operators) - set(_OPENERS) - set(_CLOSERS), key=len, reverse=True)
        alternatives.append("(?P<OP>" + "|".join(re.escape(op) for op in operators) + ")")
        alternatives.append(r"(?P<OPEN>[(\[{])|(?P<CLOSE>[)\]}])")
        self.master = re.compile(
            r"[ \t\f]*(?:(?P<NL>\n)|(?P<COMMENT>#[^\n]*)|(?P<CONTINUATION>\\\n)|" + "|".join(alternatives) + ")"
        )
        self.openers = {self.operators[c] for c in _OPENERS}
        self.closers = {self.operators[c] for c in _CLOSERS}

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
                if opener.value != _CLOSERS[value]:
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
            raise _incomplete(SyntaxError_(f"'{opener.value}' was never closed",
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
                raise _incomplete(SyntaxError_(
                    f"unterminated triple-quoted string literal (detected at line {last_line})",
                    line=line, column=column))
            raise SyntaxError_(f"unterminated string literal (detected at line {line})", line=line, column=column)
        if ch == "\\":
            if p + 1 >= len(source):
                raise _incomplete(SyntaxError_("unexpected EOF while parsing", line=line, column=column))
            raise SyntaxError_("unexpected character after line continuation character", line=line, column=column)
        raise SyntaxError_(f"invalid character '{ch}' (U+{ord(ch):04X})", line=line, column=column)


def _incomplete(error: SyntaxError_) -> SyntaxError_:
    """Mark an error that more input could cure (the REPL then asks for another line)."""
    error._incomplete = True  # type: ignore[attr-defined]
    return error


# ====================================================================== LALR driver

def _run(tokens: list[Token], start: str) -> object:
    """Parse a token list (ending with `$END`), building the AST on each reduction."""
    tables = _tables()
    actions, rules, chains, gotos = tables.actions, tables.rules, tables.unit_chains, tables.gotos
    stack = [tables.start[start]]
    values: list = []
    push_state, push_value = stack.append, values.append
    state = stack[0]
    last = len(tokens) - 1
    resume = 0
    while True:
        try:
            for tok in islice(tokens, resume, last):
                ttype = tok[0]
                while True:
                    code = actions[state][ttype]  # KeyError: the token is not accepted here
                    if code >= 0:  # shift
                        push_state(code)
                        push_value(tok)
                        state = code
                        break
                    size, origin, build = rules[~code]
                    if build is None:
                        # A `?rule` with one child: only the state changes. A chain of them
                        # (the precedence ladder) depends on nothing but the two top states
                        # and the token: it is followed once and remembered.
                        key = (stack[-2], state, ttype)
                        try:
                            state = stack[-1] = chains[key]
                        except KeyError:
                            state = stack[-1] = chains[key] = tables.follow_unit_chain(stack[-2], state, ttype)
                        continue
                    if size:
                        children = values[-size:]
                        del values[-size:]
                        del stack[-size:]
                    else:
                        children = []
                    push_value(build(children))
                    # The goto, and the one-child reductions that follow it, remembered too.
                    key = (stack[-1], origin, ttype)
                    try:
                        state = gotos[key]
                    except KeyError:
                        state = gotos[key] = tables.goto_and_unit_chain(stack[-1], origin, ttype)
                    push_state(state)
            break
        except KeyError:
            if ttype in actions[state]:
                raise  # not a syntax error: a bug
            resume = tokens.index(tok)
            if ttype == "PRINT" and "NAME" in actions[state]:  # `lambda: print`: a name after all
                tokens[resume] = _new_token(Token, ("NAME",) + tok[1:])
                continue
            raise _syntax_error(tokens, resume, start) from None
    end_state = tables.end[start]
    while True:
        code = actions[state].get("$END")
        if code is None:
            raise _syntax_error(tokens, last, start)
        size, origin, build = rules[~code]
        if size:
            children = values[-size:]
            del values[-size:]
            del stack[-size:]
        else:
            children = []
        push_value(children[0] if build is None else build(children))
        state = actions[stack[-1]][origin]
        push_state(state)
        if state == end_state:
            return values[-1]


def _states_before(tokens: list[Token], index: int, start: str) -> list[int]:
    """The parser's state stack just before tokens[index] is fed (no AST is built)."""
    tables = _tables()
    actions, rules = tables.actions, tables.rules
    stack = [tables.start[start]]
    for tok in tokens[:index]:
        ttype = tok[0]
        while True:
            code = actions[stack[-1]].get(ttype)
            if code is None and ttype == "PRINT":
                ttype = "NAME"
                continue
            if code >= 0:
                stack.append(code)
                break
            size, origin, _ = rules[~code]
            del stack[len(stack) - size:]
            stack.append(actions[stack[-1]][origin])
    return stack


def _accepts(stack: list[int], terminal: str, start: str) -> bool:
    """Would the parser shift `terminal` from this state stack (after its reductions)?"""
    tables = _tables()
    actions, rules = tables.actions, tables.rules
    stack = list(stack)
    end_state = tables.end[start]
    while True:
        code = actions[stack[-1]].get(terminal)
        if code is None:
            return False
        if code >= 0:
            return True
        size, origin, _ = rules[~code]
        del stack[len(stack) - size:]
        stack.append(actions[stack[-1]][origin])
        if terminal == "$END" and stack[-1] == end_state:
            return True


# ====================================================================== syntax error messages

# Tokens that can begin an expression (operators and keywords by their spelling).
_EXPRESSION_STARTS = {"NAME", "INT", "FLOAT", "STRING", "PRINT"}
_EXPRESSION_START_SPELLINGS = ["(", "[", "{", "-", "+", "~", "...", "not", "lambda", "None", "True", "False"]
# Keywords (a keyword's terminal is its name in capitals) that begin a statement: where they
# are acceptable, we are at a statement start.
_STATEMENT_KEYWORDS = {"IF", "WHILE", "FOR", "DEF", "TRY", "WITH", "PASS", "BREAK", "CONTINUE", "RETURN",
                       "RAISE", "ASSERT", "DEL", "GLOBAL", "NONLOCAL", "IMPORT", "FROM"}
_BLOCK_OPENERS = {"IF": "'if' statement", "ELIF": "'elif' statement", "ELSE": "'else' statement",
                  "WHILE": "'while' statement", "FOR": "'for' statement", "DEF": "function definition",
                  "TRY": "'try' statement", "EXCEPT": "'except' statement", "FINALLY": "'finally' statement",
                  "WITH": "'with' statement"}
_TERMINAL_WORDS = {"NAME": "a name", "INT": "a number", "FLOAT": "a number", "STRING": "a string",
                   "_NEWLINE": "a new line", "_INDENT": "an indented block", "_DEDENT": "a dedent",
                   "$END": "the end of the input", "AUGOP": "an augmented assignment", "PRINT": "'print'"}


def _syntax_error(tokens: list[Token], index: int, start: str) -> SyntaxError_:
    """The error for tokens[index], which the grammar does not accept where it stands."""
    tables = _tables()
    tok = tokens[index]
    ttype = tok.type
    stack = _states_before(tokens, index, start)
    accepted = {t for t in tables.terminals if _accepts(stack, t, start)}
    display = tables.display

    # Out of input (only the closing DEDENTs are left): more lines could still fix it.
    at_end = all(t.type in ("_DEDENT", "$END") for t in tokens[index:])
    if at_end:  # point at the end of the last line rather than past it
        i = index
        while i > 0 and tokens[i - 1].type in ("_DEDENT", "_NEWLINE"):
            i -= 1
        if 0 < i < index:
            tok = tokens[i]

    def error(message: str, at: Token = tok, cls: type = SyntaxError_) -> SyntaxError_:
        err = cls(message, line=at.line, column=at.column)
        return _incomplete(err) if at_end else err

    if "_INDENT" in accepted and ttype != "_INDENT":
        opener = _block_opener(tokens, index)
        where = f" after {_BLOCK_OPENERS[opener.type]} on line {opener.line}" if opener else ""
        return error(f"expected an indented block{where}", cls=IndentationError_)
    if ttype == "_INDENT":
        return error("unexpected indent", cls=IndentationError_)
    if ttype == tables.equal and tables.equal not in accepted and tables.lexer.operators.get("==") in accepted:
        return error("invalid syntax. Maybe you meant '==' instead of '='?")
    open_brackets = _open_brackets(tokens, index, tables.lexer)
    in_brackets = bool(open_brackets) or start == "expression_input"
    if open_brackets and open_brackets[-1].value == "(" and (
            ttype == "FOR" or ttype == tables.comma and _generator_inside(tokens, open_brackets[-1], index)):
        return error("Generator expression must be parenthesized")
    first = _first_of_line(tokens, index)
    if first.type == "NAME" and first.value == "class":
        return error("class definitions are not supported", at=first)
    significant = accepted - tables.continuations
    starts = tables.expression_starts
    if ttype in starts and tables.comma in accepted and in_brackets:
        return error("invalid syntax. Perhaps you forgot a comma?")
    if significant == {"EXCEPT", "FINALLY"}:
        return error("expected 'except' or 'finally' block")
    if len(significant) == 1 and not significant & {"$END", "_NEWLINE", "_DEDENT"}:
        (expected,) = significant
        if expected in starts and expected != "NAME":
            return error("expected an expression")
        return error(f"expected {display.get(expected, expected)}")
    if significant & starts and not significant & _STATEMENT_KEYWORDS:
        return error("expected an expression")
    if open_brackets:
        closer = _OPENERS[open_brackets[-1].value]
        closer_type = tables.lexer.operators[closer]
        if closer_type in significant and ttype not in tables.lexer.closers:
            return error(f"expected '{closer}'")
    return error("invalid syntax")


# Terminals that only continue what came before (an operator after an operand...):
# left out when telling what was expected.
_CONTINUATION_SPELLINGS = ["+", "-", "*", "/", "//", "%", "@", "**", "|", "^", "&", "<<", ">>", "<", ">", "==",
                           ">=", "<=", "!=", "(", "[", ".", ",", "=", "->"]
_CONTINUATION_KEYWORDS = ["IF", "NOT", "IN", "IS", "AND", "OR", "FOR", "AUGOP", "AS"]


def _block_opener(tokens: list[Token], index: int) -> Token | None:
    """The first token of the statement whose `:` line ends just before tokens[index]."""
    i = index - 1
    while i >= 0 and tokens[i].type == "_NEWLINE":
        i -= 1
    while i > 0 and tokens[i - 1].type not in ("_NEWLINE", "_INDENT", "_DEDENT"):
        i -= 1
    if i >= 0 and tokens[i].type in _BLOCK_OPENERS:
        return tokens[i]
    return None


def _first_of_line(tokens: list[Token], index: int) -> Token:
    """The first token of the logical line holding tokens[index]."""
    i = index
    while i > 0 and tokens[i - 1].type not in ("_NEWLINE", "_INDENT", "_DEDENT"):
        i -= 1
    return tokens[i]


def _generator_inside(tokens: list[Token], opener: Token, index: int) -> bool:
    """Is there a `for` directly inside the bracket `opener`, before tokens[index]?"""
    depth = 0
    for tok in tokens[tokens.index(opener) + 1 : index]:
        if tok.value in _OPENERS and tok.type != "STRING":
            depth += 1
        elif tok.value in _CLOSERS and tok.type != "STRING":
            depth -= 1
        elif depth == 0 and tok.type == "FOR":
            return True
    return False


def _open_brackets(tokens: list[Token], index: int, lexer: _Lexer) -> list[Token]:
    brackets: list[Token] = []
    for tok in tokens[:index]:
        if tok.type in lexer.openers:
            brackets.append(tok)
        elif tok.type in lexer.closers and brackets:
            brackets.pop()
    return brackets


# ====================================================================== AST builders
#
# One function per rule or alias of the grammar: it receives the rule's children (tokens
# and already built nodes; `None` where an optional `[...]` part is absent) and returns the
# node. Helper rules (`_x` and the ones Lark makes for `*` and `+`) are spliced into
# their parent, as Lark does.

_BUILDERS: dict[str, object] = {}


def _builds(*names: str):
    def register(function):
        for name in names:
            _BUILDERS[name] = function
        return function

    return register


class _Splice(list):
    """The children of a helper rule, to be inlined into the parent's children."""


def _splice(children: list) -> _Splice:
    return children if type(children) is _Splice else _Splice(children)


def _grow(children: list) -> _Splice:
    """`__x_star: __x_star item...`: the list made so far grows by the new items."""
    first = children[0]
    first.extend(children[1:])
    return first


def _grow_by_one(children: list) -> _Splice:
    first, item = children
    first.append(item)
    return first


def _make_reducer(origin: str, expansion: list[str], alias: str | None, expand1: bool,
                  empty_indices: list[bool] | None) -> tuple[int, str, object]:
    """(number of children, rule name, function from children to value); the function is
    None for a `?rule` with a single child (the child is the value)."""
    size = len(expansion)
    if origin.startswith("_"):
        build = _splice
    elif expand1 and not alias and size == 1 and not empty_indices:
        return size, origin, None
    else:
        try:
            build = _BUILDERS[alias or origin]
        except KeyError:
            raise RuntimeError(f"gradlang.lark: no AST builder for rule {alias or origin!r}") from None
    spliced = [i for i, sym in enumerate(expansion) if sym.startswith("_") and not _is_terminal(sym)]
    if not spliced and not empty_indices:
        return size, origin, build
    if spliced == [0] and expansion[0] == origin and not empty_indices:
        return size, origin, _grow_by_one if size == 2 else _grow
    plan = []  # (index into the children or -1 for a placeholder None, splice it?)
    index = 0
    for empty in empty_indices or [False] * size:
        if empty:
            plan.append((-1, False))
        else:
            plan.append((index, index in spliced))
            index += 1
    # A left-recursive helper (`__x_star: __x_star item`) grows its first child in place.
    grow_first = plan[0] == (0, True)
    rest = plan[1:] if grow_first else plan

    def assemble(children: list, rest=rest, build=build, grow_first=grow_first):
        out = children[0] if grow_first else []
        for i, inline in rest:
            if i < 0:
                out.append(None)
            elif inline:
                out.extend(children[i])
            else:
                out.append(children[i])
        return build(out)

    return size, origin, assemble


def _span(first, last) -> dict[str, int]:
    return {"line": first.line, "column": first.column, "end_line": last.end_line, "end_column": last.end_column}


def _last(children: list):
    for child in reversed(children):
        if child is not None:
            return child
    raise AssertionError("empty rule")


def _flatten_statements(items) -> list[ast.Stmt]:
    body: list[ast.Stmt] = []
    for item in items:
        if type(item) is list:
            body.extend(item)
        elif item is not None and not isinstance(item, Token):
            body.append(item)
    return body


# ---------------------------------------------------------------- statements

@_builds("module")
def _build_module(c):
    body = _flatten_statements(c)
    if not body:
        return ast.Module([], line=1, column=1, end_line=1, end_column=1)
    return ast.Module(body, **_span(body[0], body[-1]))


@_builds("expression_input")
def _build_expression_input(c):
    return c[0]


@_builds("simple_stmt")
def _build_simple_stmt(c):
    return c[0] if len(c) == 2 else c[0:-1:2]  # a statement, or a list of them (`a; b`)


@_builds("suite")
def _build_suite(c):
    if len(c) == 1:  # a simple statement on the same line
        return c[0] if type(c[0]) is list else [c[0]]
    return _flatten_statements(c[2:-1])


@_builds("expr_stmt")
def _build_expr_stmt(c):
    value = c[0]
    if type(value) is ast.Starred:
        raise _node_error("can't use starred expression here", value)
    return ast.ExprStmt(value, line=value.line, column=value.column, end_line=value.end_line,
                        end_column=value.end_column)


@_builds("assign")
def _build_assign(c):
    first, _, value = c
    if type(first) is ast.Assign:  # `a = b = value`: b becomes a target too
        target = first.value
        targets = first.targets
        targets.append(target)
    else:
        target = first
        targets = [target]
    if type(target) is not ast.Name:
        _check_target(target, "assign", top=True)
    if type(value) is ast.Starred:
        raise _node_error("can't use starred expression here", value)
    return ast.Assign(targets, value, line=first.line, column=first.column, end_line=value.end_line,
                      end_column=value.end_column)


@_builds("augassign")
def _build_augassign(c):
    target, op, value = c
    if type(target) not in (ast.Name, ast.Attribute, ast.Subscript):
        raise _node_error(f"'{_describe(target)}' is an illegal expression for augmented assignment", target)
    return ast.AugAssign(target, op.value[:-1], value, **_span(target, value))


@_builds("annassign")
def _build_annassign(c):
    target, _, _, _, value = c
    if type(target) not in (ast.Name, ast.Attribute, ast.Subscript):
        if type(target) in (ast.TupleDisplay, ast.ListDisplay):
            raise _node_error(f"only single target (not {_describe(target)}) can be annotated", target)
        raise _node_error("illegal target for annotation", target)
    if value is None:
        return ast.Pass(**_span(target, c[2]))
    if type(value) is ast.Starred:
        raise _node_error("can't use starred expression here", value)
    return ast.Assign([target], value, **_span(target, value))


@_builds("print_stmt")
def _build_print_stmt(c):
    values = [x for x in c[1:] if isinstance(x, ast.Expr)]
    last = _last(c)
    newline = not (isinstance(last, Token) and last.value == ",")
    return ast.Print(values, newline, **_span(c[0], last))


@_builds("pass_stmt")
def _build_pass(c):
    return ast.Pass(**_span(c[0], c[0]))


@_builds("break_stmt")
def _build_break(c):
    return ast.Break(**_span(c[0], c[0]))


@_builds("continue_stmt")
def _build_continue(c):
    return ast.Continue(**_span(c[0], c[0]))


@_builds("return_stmt")
def _build_return(c):
    if type(c[1]) is ast.Starred:
        raise _node_error("can't use starred expression here", c[1])
    return ast.Return(c[1], **_span(c[0], _last(c)))


@_builds("raise_stmt")
def _build_raise(c):
    return ast.Raise(c[1], c[3], **_span(c[0], _last(c)))


@_builds("assert_stmt")
def _build_assert(c):
    return ast.Assert(c[1], c[3], **_span(c[0], _last(c)))


@_builds("del_stmt")
def _build_del(c):
    targets = c[1].elts if type(c[1]) is ast.TupleDisplay else [c[1]]
    for target in targets:
        _check_target(target, "del")
    return ast.Delete(targets, **_span(c[0], c[1]))


@_builds("global_stmt")
def _build_global(c):
    return ast.Global([t.value for t in c[1::2]], **_span(c[0], c[-1]))


@_builds("nonlocal_stmt")
def _build_nonlocal(c):
    return ast.Nonlocal([t.value for t in c[1::2]], **_span(c[0], c[-1]))


@_builds("import_name")
def _build_import_name(c):
    return ast.Import(c[1::2], **_span(c[0], c[-1]))


@_builds("dotted_as_name")
def _build_dotted_as_name(c):
    alias = c[0]
    if c[2] is not None:
        alias.asname = c[2].value
        alias.end_line, alias.end_column = c[2].end_line, c[2].end_column
    return alias


@_builds("dotted_name")
def _build_dotted_name(c):
    return ast.Alias("".join(t.value for t in c), **_span(c[0], c[-1]))


@_builds("import_from")
def _build_import_from(c):
    return ast.ImportFrom(c[1].name, c[3], **_span(c[0], c[3][-1] if c[3] else c[2]))


@_builds("import_star")
def _build_import_star(c):
    return [ast.Alias("*", **_span(c[0], c[0]))]


@_builds("import_targets")
def _build_import_targets(c):  # "(" import_as_names ")"
    return c[1]


@_builds("import_as_names")
def _build_import_as_names(c):
    return [x for x in c if type(x) is ast.Alias]


@_builds("import_as_name")
def _build_import_as_name(c):
    return ast.Alias(c[0].value, c[2].value if c[2] is not None else None, **_span(c[0], _last(c)))


@_builds("if_stmt")
def _build_if(c):
    body = c[3]
    elifs = c[4:-3]
    orelse = c[-1] or []
    for clause in reversed(elifs):
        clause.orelse = orelse
        if orelse:
            clause.end_line, clause.end_column = orelse[-1].end_line, orelse[-1].end_column
        orelse = [clause]
    end = orelse[-1] if orelse else body[-1]
    return ast.If(c[1], body, orelse, **_span(c[0], end))


@_builds("elif_clause")
def _build_elif(c):
    return ast.If(c[1], c[3], [], **_span(c[0], c[3][-1]))


@_builds("while_stmt")
def _build_while(c):
    orelse = c[6] or []
    return ast.While(c[1], c[3], orelse, **_span(c[0], (orelse or c[3])[-1]))


@_builds("for_stmt")
def _build_for(c):
    _check_target(c[1], "for")
    orelse = c[8] or []
    return ast.For(c[1], c[3], c[5], orelse, **_span(c[0], (orelse or c[5])[-1]))


@_builds("with_stmt")
def _build_with(c):
    items = [x for x in c[1:-2] if type(x) is ast.WithItem]
    return ast.With(items, c[-1], **_span(c[0], c[-1][-1]))


@_builds("with_item")
def _build_with_item(c):
    if c[2] is not None:
        _check_target(c[2], "with")
    return ast.WithItem(c[0], c[2], **_span(c[0], _last(c)))


@_builds("try_stmt")
def _build_try(c):
    handlers = c[3:-6]
    for handler in handlers[:-1]:
        if handler.type is None:
            raise _node_error("default 'except:' must be last", handler)
    orelse = c[-4] or []
    finalbody = c[-1] or []
    end = (finalbody or orelse or handlers[-1].body)[-1]
    return ast.Try(c[2], handlers, orelse, finalbody, **_span(c[0], end))


@_builds("try_finally")
def _build_try_finally(c):
    return ast.Try(c[2], [], [], c[5], **_span(c[0], c[5][-1]))


@_builds("except_clause")
def _build_except(c):
    return ast.ExceptHandler(c[1], c[3].value if c[3] is not None else None, c[5], **_span(c[0], c[5][-1]))


@_builds("funcdef")
def _build_funcdef(c):
    args = c[3] if c[3] is not None else ast.Arguments(**_span(c[2], c[4]))
    return ast.FunctionDef(c[1].value, args, c[8], c[6], **_span(c[0], c[8][-1]))


@_builds("parameters", "lambda_parameters")
def _build_parameters(c):
    return _arguments([x for x in c if type(x) is tuple])


@_builds("parameter")
def _build_parameter(c):
    name, _, annotation, _, default = c
    return ("arg", ast.Param(name.value, default, annotation, **_span(name, _last(c))), name)


@_builds("star_parameter", "lambda_star_parameter")
def _build_star_parameter(c):
    if c[1] is None:
        return ("star", None, c[0])
    annotation = c[3] if len(c) > 2 else None
    return ("star", ast.Param(c[1].value, None, annotation, **_span(c[1], _last(c))), c[0])


@_builds("double_star_parameter", "lambda_double_star_parameter")
def _build_double_star_parameter(c):
    annotation = c[3] if len(c) > 2 else None
    return ("double_star", ast.Param(c[1].value, None, annotation, **_span(c[1], _last(c))), c[0])


@_builds("lambda_parameter")
def _build_lambda_parameter(c):
    name, _, default = c
    return ("arg", ast.Param(name.value, default, None, **_span(name, _last(c))), name)


def _arguments(items: list[tuple]) -> ast.Arguments:
    """Check the order of a parameter list (as Python does) and build Arguments."""
    args: list[ast.Param] = []
    kwonly: list[ast.Param] = []
    vararg = kwarg = None
    seen_star = seen_default = False
    names: set[str] = set()
    for kind, param, tok in items:
        if kwarg is not None:
            raise _token_error("arguments cannot follow var-keyword argument", tok)
        if param is not None:
            if param.name in names:
                raise _node_error(f"duplicate argument '{param.name}' in function definition", param)
            names.add(param.name)
        if kind == "arg":
            if seen_star:
                kwonly.append(param)
            else:
                if param.default is not None:
                    seen_default = True
                elif seen_default:
                    raise _node_error("parameter without a default follows parameter with a default", param)
                args.append(param)
        elif kind == "star":
            if seen_star:
                raise _token_error("* argument may appear only once", tok)
            seen_star = True
            vararg = param
        else:
            kwarg = param
    if seen_star and vararg is None and not kwonly:
        star = next(tok for kind, param, tok in items if kind == "star")
        raise _token_error("named arguments must follow bare *", star)
    first, last = items[0], items[-1]
    return ast.Arguments(args, vararg, kwonly, kwarg, line=first[2].line, column=first[2].column,
                         end_line=(last[1] or last[2]).end_line, end_column=(last[1] or last[2]).end_column)


# ---------------------------------------------------------------- expressions

@_builds("tuple")
def _build_tuple(c):
    elts = c[::2]
    return ast.TupleDisplay(elts, **_span(c[0], _last(c)))


@_builds("star_expr")
def _build_star_expr(c):
    return ast.Starred(c[1], **_span(c[0], c[1]))


@_builds("ifexp")
def _build_ifexp(c):
    return ast.IfExp(c[2], c[0], c[4], **_span(c[0], c[4]))


@_builds("lambdef")
def _build_lambda(c):
    args = c[1] if c[1] is not None else ast.Arguments(**_span(c[0], c[0]))
    return ast.Lambda(args, c[3], **_span(c[0], c[3]))


@_builds("or_test")
def _build_or(c):
    return ast.BoolOp("or", c[::2], **_span(c[0], c[-1]))


@_builds("and_test")
def _build_and(c):
    return ast.BoolOp("and", c[::2], **_span(c[0], c[-1]))


@_builds("not_op")
def _build_not(c):
    return ast.UnaryOp("not", c[1], **_span(c[0], c[1]))


@_builds("comparison")
def _build_comparison(c):
    return ast.Compare(c[0], c[1::2], c[2::2], **_span(c[0], c[-1]))


@_builds("comp_op")
def _build_comp_op(c):
    return c[0].value if len(c) == 1 else c[0].value + " " + c[1].value


@_builds("binop")
def _build_binop(c):
    left, op, right = c
    return ast.BinOp(op.value, left, right, line=left.line, column=left.column,
                     end_line=right.end_line, end_column=right.end_column)


@_builds("unaryop")
def _build_unaryop(c):
    op, operand = c
    return ast.UnaryOp(op.value, operand, line=op.line, column=op.column,
                       end_line=operand.end_line, end_column=operand.end_column)


@_builds("call")
def _build_call(c):
    func = c[0]
    args, keywords = c[2] if c[2] is not None else ([], [])
    close = c[3]
    return ast.Call(func, args, keywords, line=func.line, column=func.column,
                    end_line=close.end_line, end_column=close.end_column)


@_builds("arguments")
def _build_arguments(c):
    args: list[ast.Expr] = []
    keywords: list[ast.Keyword] = []
    seen_names: set[str] = set()
    double_star = False
    for item in c[::2]:
        if item is None:
            continue
        if type(item) is ast.Keyword:
            if item.arg is None:
                double_star = True
            else:
                if item.arg in seen_names:
                    raise _node_error(f"keyword argument repeated: {item.arg}", item)
                seen_names.add(item.arg)
            keywords.append(item)
        elif keywords:
            if type(item) is ast.Starred:
                if double_star:
                    raise _node_error("iterable argument unpacking follows keyword argument unpacking", item)
                args.append(item)
            elif double_star:
                raise _node_error("positional argument follows keyword argument unpacking", item)
            else:
                raise _node_error("positional argument follows keyword argument", item)
        else:
            args.append(item)
    return args, keywords


@_builds("generator_argument")
def _build_generator_argument(c):
    return [ast.GeneratorExp(c[0], c[1:], **_span(c[0], c[-1]))], []


@_builds("keyword_argument")
def _build_keyword_argument(c):
    name, _, value = c
    if type(name) is not ast.Name:
        raise _node_error('expression cannot contain assignment, perhaps you meant "=="?', name)
    return ast.Keyword(name.id, value, **_span(name, value))


@_builds("star_argument")
def _build_star_argument(c):
    return ast.Starred(c[1], **_span(c[0], c[1]))


@_builds("double_star_argument")
def _build_double_star_argument(c):
    return ast.Keyword(None, c[1], **_span(c[0], c[1]))


@_builds("subscript")
def _build_subscript(c):
    value, _, index, close = c
    return ast.Subscript(value, index, line=value.line, column=value.column,
                         end_line=close.end_line, end_column=close.end_column)


@_builds("slice")
def _build_slice(c):
    lower, colon, upper, _, step = c
    return ast.Slice(lower, upper, step, **_span(lower or colon, _last(c)))


@_builds("attribute")
def _build_attribute(c):
    value, _, name = c
    return ast.Attribute(value, name.value, line=value.line, column=value.column,
                         end_line=name.end_line, end_column=name.end_column)


@_builds("name")
def _build_name(c):
    tok = c[0]
    return ast.Name(tok.value, line=tok.line, column=tok.column, end_line=tok.end_line, end_column=tok.end_column)


@_builds("int")
def _build_int(c):
    tok = c[0]
    text = tok.value
    try:
        if len(text) > 1 and text[0] == "0" and text[1] in "0123456789_":
            if text.strip("0_"):
                raise _token_error("leading zeros in decimal integer literals are not permitted; "
                                   "use an 0o prefix for octal integers", tok)
            value = 0
        else:
            value = int(text, 0)
    except ValueError as exc:  # beyond Python's limit on digits
        raise _token_error(f"{exc}".split(":")[0], tok) from None
    return ast.Constant(value, line=tok.line, column=tok.column, end_line=tok.end_line, end_column=tok.end_column)


@_builds("float")
def _build_float(c):
    tok = c[0]
    return ast.Constant(float(tok.value), line=tok.line, column=tok.column, end_line=tok.end_line,
                        end_column=tok.end_column)


def _keyword_constant(rule: str, value) -> None:
    """`None`, `True`, `False` and `...`: a Constant spanning the one keyword token."""

    @_builds(rule)
    def build(c):
        return ast.Constant(value, **_span(c[0], c[0]))


for _rule, _value in (("none", None), ("true", True), ("false", False), ("ellipsis", Ellipsis)):
    _keyword_constant(_rule, _value)


@_builds("strings")
def _build_strings(c):
    parts: list = []
    is_fstring = False
    for tok in c:
        prefix, body, offset = split_string_token(tok.value)
        raw = "r" in prefix
        if "b" in prefix:
            raise _token_error("bytes literals are not supported", tok)
        if "f" in prefix:
            is_fstring = True
            new_parts = read_fstring(body, raw, tok.line, tok.column + offset, _parse_fstring_field)
        else:
            try:
                new_parts = [body if raw else decode_escapes(body)]
            except EscapeError as exc:
                raise _token_error(exc.message, tok) from None
        for part in new_parts:
            if isinstance(part, str) and parts and isinstance(parts[-1], str):
                parts[-1] += part
            elif part != "":
                parts.append(part)
    span = _span(c[0], c[-1])
    if is_fstring:
        return ast.FString(parts, **span)
    return ast.Constant(parts[0] if parts else "", **span)


@_builds("empty_tuple")
def _build_empty_tuple(c):
    return ast.TupleDisplay([], **_span(c[0], c[1]))


@_builds("parenthesized")
def _build_parenthesized(c):
    inner = c[1]
    if type(inner) is ast.Starred:
        raise _node_error("cannot use starred expression here", inner)
    if type(inner) is ast.TupleDisplay:  # `(a, b)`: the tuple's span takes in the parentheses
        inner.line, inner.column = c[0].line, c[0].column
        inner.end_line, inner.end_column = c[2].end_line, c[2].end_column
    return inner


@_builds("generator")
def _build_generator(c):
    return ast.GeneratorExp(c[1], c[2:-1], **_span(c[0], c[-1]))


@_builds("list")
def _build_list(c):
    return ast.ListDisplay(c[1] or [], **_span(c[0], c[2]))


@_builds("list_items", "dict_items")
def _build_items(c):
    return c[::2]


@_builds("list_comprehension")
def _build_list_comprehension(c):
    return ast.ListComp(c[1], c[2:-1], **_span(c[0], c[-1]))


@_builds("dict")
def _build_dict(c):
    items = c[1] or []
    return ast.DictDisplay([k for k, _ in items], [v for _, v in items], **_span(c[0], c[2]))


@_builds("dict_item")
def _build_dict_item(c):
    return c[0], c[2]


@_builds("comp_for")
def _build_comp_for(c):
    _check_target(c[1], "for")
    return ast.Comprehension(c[1], c[3], c[4:], **_span(c[0], c[-1]))


@_builds("comp_if")
def _build_comp_if(c):
    return c[1]


# ---------------------------------------------------------------- checks

def _node_error(message: str, node: ast.Node) -> SyntaxError_:
    return SyntaxError_(message, line=node.line, column=node.column)


def _token_error(message: str, tok: Token) -> SyntaxError_:
    return SyntaxError_(message, line=tok.line, column=tok.column)


_DESCRIPTIONS = {
    ast.Call: "function call", ast.BinOp: "expression", ast.UnaryOp: "expression", ast.BoolOp: "expression",
    ast.Compare: "comparison", ast.Lambda: "lambda", ast.IfExp: "conditional expression",
    ast.FString: "f-string expression", ast.ListComp: "list comprehension", ast.GeneratorExp: "generator expression",
    ast.DictDisplay: "dict literal", ast.TupleDisplay: "tuple", ast.ListDisplay: "list", ast.Starred: "starred",
    ast.Slice: "slice",
}


def _describe(node: ast.Node) -> str:
    if type(node) is ast.Constant:
        if node.value is None or node.value is True or node.value is False:
            return str(node.value)
        return "ellipsis" if node.value is Ellipsis else "literal"
    return _DESCRIPTIONS.get(type(node), "expression")


def _check_target(node: ast.Expr, kind: str, top: bool = False) -> None:
    """Raise the SyntaxError Python gives when node cannot be assigned to (or deleted)."""
    t = type(node)
    if t is ast.Name or t is ast.Attribute or t is ast.Subscript:
        return
    if t is ast.TupleDisplay or t is ast.ListDisplay:
        starred = [e for e in node.elts if type(e) is ast.Starred]
        if len(starred) > 1 and kind != "del":
            raise _node_error("multiple starred expressions in assignment", starred[1])
        for elt in node.elts:
            if type(elt) is ast.Starred and kind != "del":
                _check_target(elt.value, kind)
            else:
                _check_target(elt, kind)
        return
    if t is ast.Starred and kind != "del":
        raise _node_error("starred assignment target must be in a list or tuple", node)
    verb = "delete" if kind == "del" else "assign to"
    message = f"cannot {verb} {_describe(node)}"
    if top and kind == "assign" and t in (ast.Call, ast.Constant, ast.BinOp, ast.UnaryOp, ast.Compare) and \
            _describe(node) not in ("True", "False", "None"):
        message += " here. Maybe you meant '==' instead of '='?"
    raise _node_error(message, node)


def _check_statements(body: list[ast.Stmt], in_function: bool, in_loop: bool) -> None:
    """What Python's compiler checks: return/break/continue/nonlocal placement, and how
    deeply expressions nest."""
    for stmt in body:
        t = type(stmt)
        if t is ast.FunctionDef:
            _check_depth(stmt.args)
            _check_depth(stmt.returns)
            _check_statements(stmt.body, True, False)
        elif t is ast.If:
            _check_depth(stmt.test)
            _check_statements(stmt.body, in_function, in_loop)
            _check_statements(stmt.orelse, in_function, in_loop)
        elif t is ast.While or t is ast.For:
            if t is ast.For:
                _check_depth(stmt.target)
                _check_depth(stmt.iter)
            else:
                _check_depth(stmt.test)
            _check_statements(stmt.body, in_function, True)
            _check_statements(stmt.orelse, in_function, in_loop)
        elif t is ast.With:
            for item in stmt.items:
                _check_depth(item)
            _check_statements(stmt.body, in_function, in_loop)
        elif t is ast.Try:
            _check_statements(stmt.body, in_function, in_loop)
            for handler in stmt.handlers:
                _check_depth(handler.type)
                _check_statements(handler.body, in_function, in_loop)
            _check_statements(stmt.orelse, in_function, in_loop)
            _check_statements(stmt.finalbody, in_function, in_loop)
        else:
            _check_depth(stmt)
            if t is ast.Return:
                if not in_function:
                    raise _node_error("'return' outside function", stmt)
            elif t is ast.Break:
                if not in_loop:
                    raise _node_error("'break' outside loop", stmt)
            elif t is ast.Continue:
                if not in_loop:
                    raise _node_error("'continue' not properly in loop", stmt)
            elif t is ast.Nonlocal:
                if not in_function:
                    raise _node_error("nonlocal declaration not allowed at module level", stmt)


def _check_depth(node: ast.Node | None) -> None:
    """Reject expressions nested more than MAX_EXPRESSION_DEPTH deep. Only a node spanning
    lines, or more columns than that limit allows, can be that deep: others are skipped."""
    if node is None or node.end_line == node.line and node.end_column - node.column < MAX_EXPRESSION_DEPTH:
        return
    pending = [(node, 0)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_EXPRESSION_DEPTH:
            raise _node_error("expression too deeply nested", node)
        for child in ast.iter_child_nodes(node):
            pending.append((child, depth + 1))


# ====================================================================== public API

def _parse_fstring_field(text: str, line: int, column: int) -> ast.Expr:
    tokens = _tables().lexer.tokenize(text, line, column, in_brackets=True)
    if len(tokens) == 1:
        raise SyntaxError_("f-string: empty expression not allowed", line=line, column=column)
    try:
        return _run(tokens, "expression_input")
    except SyntaxError_ as exc:
        exc._incomplete = False  # type: ignore[attr-defined]  # an f-string is complete
        if not exc.message.startswith("f-string"):
            exc.message = f"f-string: {exc.message}"
            exc.args = (exc.message,)
        raise


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
        tokens = _tables().lexer.tokenize(source, first_line)
        module = _run(tokens, "module")
        _check_statements(module.body, False, False)
        return module
    except SyntaxError_ as exc:
        raise _locate(exc, source, filename, first_line) from None
    finally:
        if collecting:
            gc.enable()


def parse_expression(source: str, filename: str = "<input>") -> ast.Expr:
    """Parse a single expression (`a, b` is a tuple; line breaks count as spaces)."""
    try:
        tokens = _tables().lexer.tokenize(source, 1, 1, in_brackets=True)
        if len(tokens) == 1:
            tok = tokens[0]
            raise _incomplete(SyntaxError_("expected an expression", line=tok.line, column=tok.column))
        expression = _run(tokens, "expression_input")
        _check_depth(expression)
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
        tokens = _tables().lexer.tokenize(source)
    except SyntaxError_ as exc:
        return getattr(exc, "_incomplete", False)
    try:
        module = _run(tokens, "module")
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
    strings stay with their statement. A chunk is returned even when it has a syntax
    error, so that the caller can report it (`parse(text, filename, first_line=n)` gives
    the real line numbers) and go on with the next one."""
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
        if current and (text[0] in " \t\f" or _CONTINUATION_KEYWORD.match(stripped)):
            current.append(text)
            continue
        close()
        current_start = index
        current.append(text)
    close()
    return chunks


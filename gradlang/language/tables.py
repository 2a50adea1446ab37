"""The LALR(1) tables for `gradlang.lark`, made by Lark once and cached with marshal.

Lark computes the tables; we keep them, as plain data, in a cache file in the user's cache
directory (with the grammar they were made from, to check), so that a process that parses
does not even import Lark once the cache exists: loading takes ~2 ms, where Lark's own
cache takes ~70 ms and a Lark standalone parser ~45 ms (start-up is a product feature).
`Tables` is what the driver runs: the actions, one reducer per rule (from
`ast_builders`), the lexer built from the grammar's terminals, and the driver's rows:
the actions again, each reduction with a memo of where it leads.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from operator import itemgetter

from gradlang.language.ast_builders import make_reducer
from gradlang.language.lexer import Lexer

GRAMMAR_PATH = os.path.join(os.path.dirname(__file__), "gradlang.lark")  # (os.path: pathlib costs 3 ms)
TABLE_FORMAT = "gradlang-lalr-3"  # bump when the cached table layout changes


def _cache_dir() -> str:
    override = os.environ.get("GRADLANG_CACHE_DIR")
    if override:
        return override
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "gradlang")


def build_tables_with_lark(grammar: str) -> dict:
    """Run Lark's LALR(1) analysis and keep what the driver needs, as JSON-able data."""
    import lark
    from lark.lexer import Lexer as LarkLexer

    class _NoLexer(LarkLexer):  # our own lexer tokenizes; Lark only computes the tables
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
    return {"format": TABLE_FORMAT, "rules": rules, "states": states, "terminals": terminals,
            "start": parse_table.start_states, "end": parse_table.end_states}


def _load_table_data() -> dict:
    """The LALR tables: from the cache file when it was made from this very grammar, else
    built by Lark (and saved for next time if the cache directory is writable; never an
    error if it is not). The file keeps the grammar it was made from, to check."""
    with open(GRAMMAR_PATH, encoding="utf-8") as file:
        grammar = file.read()
    key = f"{zlib.crc32(grammar.encode()):08x}-{len(grammar)}"
    # marshal: plain data only, built into Python (no import), ~3x quicker to load than JSON;
    # its format belongs to the Python version, hence the version in the name.
    python = f"py{sys.version_info[0]}{sys.version_info[1]}"
    path = os.path.join(_cache_dir(), f"grammar-{key}-{python}.marshal")
    try:
        with open(path, "rb") as file:
            # loads(read()): marshal.load on a Python file object reads item by item (~10 ms here).
            data = marshal.loads(file.read())
        if data.get("format") == TABLE_FORMAT and data.get("grammar") == grammar:
            return data
    except (OSError, ValueError, EOFError, TypeError, AttributeError):
        pass
    data = build_tables_with_lark(grammar)
    data["grammar"] = grammar
    # Lark's names are str subclasses, which marshal refuses: keep plain values only.
    import json

    data = json.loads(json.dumps(data))
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temporary, "wb") as file:
            marshal.dump(data, file)
        os.replace(temporary, path)
    except (OSError, ValueError):
        try:
            os.remove(temporary)
        except OSError:
            pass
    return data


class Tables:
    """Everything built once per process: the LALR tables, one reducer per rule, the lexer."""

    def __init__(self, data: dict) -> None:
        self.actions: list[dict[str, int]] = data["states"]
        self.start: dict[str, int] = data["start"]
        self.end: dict[str, int] = data["end"]
        self.rules: list[tuple[int, str, object]] = [make_reducer(*rule) for rule in data["rules"]]
        self.lexer = Lexer(data["terminals"])
        # (name, "str" or "re", pattern, priority) as the grammar declares them: syntax errors
        # name the terminals they expected by these.
        self.terminal_definitions: list[list] = data["terminals"]
        # What the driver runs: a copy of `actions` whose reductions become, on first use,
        # (-2 * size, builder, rule name, memo of the state reached from each state below).
        self.rows: list[dict[str, object]] = [dict(row) for row in self.actions]
        # An end state (its start symbol recognized) accepts nothing, not even `$END`: here
        # it shifts `$END`, so that the driver's loop ends there without an exception.
        for state in self.end.values():
            self.rows[state]["$END"] = state

    def reduction(self, state: int, terminal: str) -> tuple[int, object, str, dict[int, int]]:
        """The driver's entry for the reduction in `state` before `terminal`, made on first
        use (most pairs never occur) and kept in `rows`."""
        size, origin, build = self.rules[~self.actions[state][terminal]]
        # -2 * size: where its values start on the stack. A `?rule` with one child keeps
        # the child as its value: only the state changes.
        entry = (-2 * size, _child if build is None else build, origin, {})
        self.rows[state][terminal] = entry
        return entry

    def goto(self, below: int, origin: str, terminal: str) -> int:
        """The state after reducing to `origin` over state `below`, then following the
        one-child `?rule` reductions that `terminal` causes: the precedence ladder, which
        depends on nothing else and so is worked out once (the driver remembers it)."""
        actions, rules = self.actions, self.rules
        state = actions[below][origin]
        while True:
            code = actions[state].get(terminal)
            if code is None or code >= 0:
                return state
            _, origin, build = rules[~code]
            if build is not None:
                return state
            state = actions[below][origin]


_child = itemgetter(0)  # [child] -> child, in C
_TABLES: Tables | None = None


def get_tables() -> Tables:
    """The tables, loaded on first use and kept for the process."""
    global _TABLES
    if _TABLES is None:
        _TABLES = Tables(_load_table_data())
    return _TABLES

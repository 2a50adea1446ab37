"""The LALR(1) driver: runs the tables over a token list and builds the AST as it reduces.

Lark's own parser and tree building are several times slower here (see `parser.py`), and
the tree would still have to become the AST: this loop instead calls a rule's builder
(`ast_builders`) on each reduction. A `?rule` with one child is a plain state change,
and a chain of them (the precedence ladder) is followed once per (state below, reduction,
token) and remembered, so that `x` inside an expression costs no step per level.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from gradlang.language.syntax_errors import syntax_error
from gradlang.language.tables import get_tables


class NeedsTokenList(Exception):
    """A parse fed an iterator met a token it does not take: errors (and `print` read as
    a name again) are worked out on the token list; the caller runs it again on that."""


def run(tokens: list[tuple] | Iterator[tuple], start: str) -> object:
    """Parse tokens (ending with `$END`), building the AST on each reduction. `tokens` is
    the token list, or an iterator over it, read once (see NeedsTokenList)."""
    tables = get_tables()
    rows = tables.rows
    state = tables.start[start]
    # One list for the parser's stack: the start state, then each value with the state
    # after it (one list to grow and cut instead of two).
    stack = [state]
    push = stack.append
    row = rows[state]
    rest = iter(tokens)
    while True:
        try:
            for tok in rest:
                ttype = tok[0]
                while True:
                    action = row[ttype]  # KeyError: the token is not accepted here
                    if type(action) is int:
                        if action >= 0:  # shift
                            push(tok)
                            push(action)
                            state = action
                            row = rows[action]
                            break
                        action = tables.reduction(state, ttype)
                    span, build, origin, gotos = action  # span: -2 * the rule's size
                    if span == -2:  # the commonest (`name`, `int`...): replaced in place
                        stack[-2] = build([stack[-2]])
                        below = stack[-3]
                    elif span:
                        below = stack[span - 1]
                        value = build(stack[span::2])
                        del stack[span + 2:]
                        stack[-2] = value
                    else:
                        below = state
                        push(build([]))
                        push(state)
                    try:
                        state = gotos[below]
                    except KeyError:
                        state = gotos[below] = tables.goto(below, origin, ttype)
                    stack[-1] = state
                    row = rows[state]
            return stack[1]  # [start state, the start symbol's value, end state, `$END`, end state]
        except KeyError:
            if ttype in row:
                raise  # not a syntax error: a bug
            if type(tokens) is not list:
                raise NeedsTokenList from None
            index = tokens.index(tok)
            if ttype == "PRINT" and "NAME" in row:  # `lambda: print`: a name after all
                tokens[index] = ("NAME", *tok[1:])
                rest = chain((tokens[index],), rest)
                continue
            raise syntax_error(tokens, index, start) from None

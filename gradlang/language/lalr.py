"""The LALR(1) driver: runs the tables over a token list and builds the AST as it reduces.

Lark's own parser and tree building are several times slower here (see `parser.py`), and
the tree would still have to become the AST: this loop instead calls a rule's builder
(`ast_builders`) on each reduction. A `?rule` with one child is a plain state change,
and a chain of them (the precedence ladder) is followed once per (state below, reduction,
token) and remembered, so that `x` inside an expression costs no step per level.
"""

from __future__ import annotations

from itertools import islice

from gradlang.language.syntax_errors import syntax_error
from gradlang.language.tables import get_tables


def run(tokens: list[tuple], start: str) -> object:
    """Parse a token list (ending with `$END`), building the AST on each reduction."""
    tables = get_tables()
    rows = tables.rows
    state = tables.start[start]
    stack = [state]
    values: list = []
    push_state, push_value = stack.append, values.append
    row = rows[state]
    last = len(tokens) - 1
    resume = 0
    while True:
        try:
            for tok in islice(tokens, resume, last):
                ttype = tok[0]
                while True:
                    action = row[ttype]  # KeyError: the token is not accepted here
                    if type(action) is int:
                        if action >= 0:  # shift
                            push_state(action)
                            push_value(tok)
                            state = action
                            row = rows[action]
                            break
                        action = tables.reduction(state, ttype)
                    size, build, origin, gotos = action
                    if build is None:
                        # A `?rule` with one child: only the state changes.
                        below = stack[-2]
                        try:
                            state = gotos[below]
                        except KeyError:
                            state = gotos[below] = tables.goto(below, origin, ttype)
                        stack[-1] = state
                        row = rows[state]
                        continue
                    # Pop `size` states and push the goto: the top one is overwritten below.
                    if size == 1:  # the commonest (`name`, `int`...): replaced in place
                        values[-1] = build([values[-1]])
                    elif size:
                        children = values[-size:]
                        del values[-size:]
                        del stack[1 - size:]
                        push_value(build(children))
                    else:
                        push_value(build([]))
                        push_state(state)
                    below = stack[-2]
                    try:
                        state = gotos[below]
                    except KeyError:
                        state = gotos[below] = tables.goto(below, origin, ttype)
                    stack[-1] = state
                    row = rows[state]
            break
        except KeyError:
            if ttype in row:
                raise  # not a syntax error: a bug
            resume = tokens.index(tok)
            if ttype == "PRINT" and "NAME" in row:  # `lambda: print`: a name after all
                tokens[resume] = ("NAME", *tok[1:])
                continue
            raise syntax_error(tokens, resume, start) from None
    end_state = tables.end[start]
    while True:
        action = row.get("$END")
        if action is None:
            raise syntax_error(tokens, last, start)
        if type(action) is int:
            action = tables.reduction(state, "$END")
        size, build, origin, gotos = action
        if size:
            children = values[-size:]
            del values[-size:]
            del stack[-size:]
        else:
            children = []
        push_value(children[0] if build is None else build(children))
        below = stack[-1]
        try:
            state = gotos[below]
        except KeyError:
            state = gotos[below] = tables.goto(below, origin, "$END")
        push_state(state)
        row = rows[state]
        if state == end_state:
            return values[-1]

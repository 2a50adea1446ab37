"""The LALR(1) driver: runs the tables over a token list and builds the AST as it reduces.

Lark's own parser and tree building are several times slower here (see `parser.py`), and
the tree would still have to become the AST: this loop instead calls a rule's builder
(`ast_builders`) on each reduction. A `?rule` with one child is a plain state change,
and a chain of them (the precedence ladder) is followed once per (states, token) and
remembered in the tables, so that `x` inside an expression costs no call per level.
"""

from __future__ import annotations

from itertools import islice

from gradlang.language.lexer import Token
from gradlang.language.syntax_errors import syntax_error
from gradlang.language.tables import get_tables


def run(tokens: list[Token], start: str) -> object:
    """Parse a token list (ending with `$END`), building the AST on each reduction."""
    tables = get_tables()
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
                tokens[resume] = tok._replace(type="NAME")
                continue
            raise syntax_error(tokens, resume, start) from None
    end_state = tables.end[start]
    while True:
        code = actions[state].get("$END")
        if code is None:
            raise syntax_error(tokens, last, start)
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

"""Syntax errors worded for users, as Python words them, from what the tables would have accepted.

When the driver meets a token the grammar does not accept, the tokens before it are run
through the tables again (no AST built) and every terminal is tried at that point: what
would have been accepted decides the message ("expected ':'", "expected an indented block
after 'if' statement on line 3", "Perhaps you forgot a comma?"), with Lark's terminal
names never shown. An error at the end of the input is marked incomplete: the REPL then
asks for another line.
"""

from __future__ import annotations

from functools import cache

from gradlang.errors import IndentationError_, SyntaxError_
from gradlang.language.lexer import CLOSERS, OPENERS, Lexer, Token, is_terminal, mark_incomplete
from gradlang.language.tables import Tables, get_tables

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


# Terminals that only continue what came before (an operator after an operand...):
# left out when telling what was expected.
_CONTINUATION_SPELLINGS = ["+", "-", "*", "/", "//", "%", "@", "**", "|", "^", "&", "<<", ">>", "<", ">", "==",
                           ">=", "<=", "!=", "(", "[", ".", ",", "=", "->"]
_CONTINUATION_KEYWORDS = ["IF", "NOT", "IN", "IS", "AND", "OR", "FOR", "AUGOP", "AS"]


class _Vocabulary:
    """What the messages need to know of the grammar's terminals, by their spelling."""

    def __init__(self, tables: Tables) -> None:
        lexer = tables.lexer
        self.terminals = sorted({sym for row in tables.actions for sym in row if is_terminal(sym)})
        self.display = dict(_TERMINAL_WORDS)
        for name, kind, pattern, _ in tables.terminal_definitions:
            self.display.setdefault(name, f"'{pattern}'" if kind == "str" else name.lower())
        operators = lexer.operators
        self.continuations = {operators[s] for s in _CONTINUATION_SPELLINGS if s in operators}
        self.continuations.update(_CONTINUATION_KEYWORDS)
        spellings = {**lexer.operators, **lexer.keywords}
        self.expression_starts = _EXPRESSION_STARTS | {spellings[s] for s in _EXPRESSION_START_SPELLINGS}
        self.comma, self.equal = spellings[","], spellings["="]


@cache  # worked out at the first syntax error, not at start-up
def _vocabulary(tables: Tables) -> _Vocabulary:
    return _Vocabulary(tables)


def syntax_error(tokens: list[tuple], index: int, start: str) -> SyntaxError_:
    """The error for tokens[index], which the grammar does not accept where it stands."""
    tokens = list(map(Token._make, tokens))  # read by name here: speed no longer matters
    tables = get_tables()
    words = _vocabulary(tables)
    tok = tokens[index]
    ttype = tok.type
    stack = _states_before(tokens, index, start)
    accepted = {t for t in words.terminals if _accepts(stack, t, start)}
    display = words.display

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
        return mark_incomplete(err) if at_end else err

    if "_INDENT" in accepted and ttype != "_INDENT":
        opener = _block_opener(tokens, index)
        where = f" after {_BLOCK_OPENERS[opener.type]} on line {opener.line}" if opener else ""
        return error(f"expected an indented block{where}", cls=IndentationError_)
    if ttype == "_INDENT":
        return error("unexpected indent", cls=IndentationError_)
    if ttype == words.equal and words.equal not in accepted and tables.lexer.operators.get("==") in accepted:
        return error("invalid syntax. Maybe you meant '==' instead of '='?")
    open_brackets = _open_brackets(tokens, index, tables.lexer)
    in_brackets = bool(open_brackets) or start == "expression_input"
    if open_brackets and open_brackets[-1].value == "(" and (
            ttype == "FOR" or ttype == words.comma and _generator_inside(tokens, open_brackets[-1], index)):
        return error("Generator expression must be parenthesized")
    first = _first_of_line(tokens, index)
    if first.type == "NAME" and first.value == "class":
        return error("class definitions are not supported", at=first)
    significant = accepted - words.continuations
    starts = words.expression_starts
    if ttype in starts and words.comma in accepted and in_brackets:
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
        closer = OPENERS[open_brackets[-1].value]
        closer_type = tables.lexer.operators[closer]
        if closer_type in significant and ttype not in tables.lexer.closers:
            return error(f"expected '{closer}'")
    return error("invalid syntax")


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
        if tok.value in OPENERS and tok.type != "STRING":
            depth += 1
        elif tok.value in CLOSERS and tok.type != "STRING":
            depth -= 1
        elif depth == 0 and tok.type == "FOR":
            return True
    return False


def _open_brackets(tokens: list[Token], index: int, lexer: Lexer) -> list[Token]:
    brackets: list[Token] = []
    for tok in tokens[:index]:
        if tok.type in lexer.openers:
            brackets.append(tok)
        elif tok.type in lexer.closers and brackets:
            brackets.pop()
    return brackets


def _states_before(tokens: list[Token], index: int, start: str) -> list[int]:
    """The parser's state stack just before tokens[index] is fed (no AST is built)."""
    tables = get_tables()
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
    tables = get_tables()
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

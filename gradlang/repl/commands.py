"""The REPL's meta-commands: `:help`, `:vars`, `:graph EXPR`, `:reset`, `:load FILE`, `:time STMT`, `:quit`."""

from __future__ import annotations

import os
import time

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..core.tensor import Tensor
from ..errors import GradlangError
from ..language.runtime import Function
from ..language.sandbox import type_name as sandbox_type_name
from ..language.values import to_repr
from .graph import brief, graph_tree
from .output import NOTE_STYLE, say, show_error

HELP = """\
gradlang: numbers and autograd tensors, in Python's syntax with PyTorch's names.

  x = param(3.0)                 a float32 leaf that requires grad
  y = x**2 + sin(x)              ops record a backward graph (y.grad_fn)
  backward(y)                    or y.backward(); then x.grad holds dy/dx
  print x.grad, y                print with or without parentheses
  with no_grad: w -= lr * w.grad an SGD step; x.grad.zero_() clears gradients
  def f(a, b=1): return a * b    functions, lambda, if/elif/else, while, for, try/except
  import torch; import math      torch.NAME and math.NAME reach the same built-ins
  grad(f), jvp(f, (x,), (v,)), hessian(f), gradcheck(f, (x,))   function transforms

Built-ins: tensor param zeros ones full arange linspace rand randn manual_seed
  sin cos tan exp log sqrt abs tanh sigmoid relu clamp pow maximum minimum where
  sum mean max min matmul (@) dot stack cat reshape transpose softmax log_softmax
  backward torch.autograd.grad no_grad enable_grad gradient, and Python's range len float int …

Commands:
  :help          this summary
  :vars          the bindings in scope, with shape, dtype, requires_grad and grad_fn
  :graph EXPR    the backward graph of a tensor, down to its leaves
  :reset         forget every binding
  :load FILE     run a script into this session
  :time STMT     run a statement and show the wall time it took
  :quit          leave (so does Ctrl-D)

Keys: Enter runs complete input (an unfinished block gets a `...` line; an empty line ends it),
Alt+Enter (Esc, Enter) runs it anyway, Tab completes, Ctrl-C clears the input or interrupts a
running statement, Up/Down walk the history, → takes the grey suggestion.
"""

COMMANDS = {
    ":help": "a summary of the language and the REPL",
    ":vars": "the bindings in scope",
    ":graph": "EXPR: the backward graph of a tensor",
    ":reset": "forget every binding",
    ":load": "FILE: run a script into this session",
    ":time": "STMT: run a statement and show the wall time",
    ":quit": "leave the REPL",
}
ALIASES = {":h": ":help", ":?": ":help", ":q": ":quit", ":exit": ":quit"}

QUIT = "quit"


def run_command(interpreter, text: str, console: Console, run_code) -> str | None:
    """Run one meta-command line; QUIT to leave the session. `run_code(source)` runs program text."""
    word, _, argument = text.strip().partition(" ")
    argument = argument.strip()
    word = ALIASES.get(word, word)
    if word == ":quit":
        return QUIT
    if word == ":help":
        say(console, HELP.rstrip("\n"))
    elif word == ":vars":
        show_vars(interpreter, console)
    elif word == ":graph":
        show_graph(interpreter, argument, console)
    elif word == ":reset":
        interpreter.globals.clear()
        interpreter.grad_enabled = True
        say(console, "every binding is gone: a fresh session", NOTE_STYLE)
    elif word == ":load":
        load(interpreter, argument, console)
    elif word == ":time":
        if not argument:
            say(console, "usage: :time STMT", "red")
            return None
        start = time.perf_counter()
        run_code(argument)
        say(console, f"wall time: {format_duration(time.perf_counter() - start)}", NOTE_STYLE)
    else:
        say(console, f"unknown command {word!r}; the commands are:", "red")
        show_command_list(console)
    return None


def show_command_list(console: Console) -> None:
    width = max(len(name) for name in COMMANDS)
    say(console, "\n".join(f"  {name:<{width}}  {what}" for name, what in COMMANDS.items()))


def format_duration(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.3f} s"


def type_name(value) -> str:
    """The sandbox's name for a value's type, with built-in functions called what they are."""
    if callable(value) and not isinstance(value, (type, Function)):
        return "built-in"
    return sandbox_type_name(value)


def _one_line(value, limit: int = 40) -> str:
    text = brief(value) if isinstance(value, Tensor) else " ".join(to_repr(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show_vars(interpreter, console: Console) -> None:
    names = sorted(name for name in interpreter.globals if name != "_")
    if not names:
        say(console, "no bindings yet", NOTE_STYLE)
        return
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, header_style="bold", pad_edge=False)
    for column in ("name", "type", "shape", "dtype", "requires_grad", "grad_fn", "value"):
        table.add_column(column, no_wrap=column != "value", overflow="fold")
    for name in names:
        value = interpreter.globals[name]
        if isinstance(value, Tensor):
            grad_fn = type(value.grad_fn).__name__ if value.grad_fn is not None else ""
            style = "green" if value.requires_grad and value.is_leaf else None
            table.add_row(Text(name, style=style or "cyan"), "Tensor", str(list(value.shape)), str(value.dtype),
                          str(value.requires_grad), grad_fn, _one_line(value))
        else:
            table.add_row(Text(name, style="cyan"), type_name(value), "", "", "", "", _one_line(value))
    console.print(table, soft_wrap=False)


def show_graph(interpreter, expression: str, console: Console) -> None:
    if not expression:
        say(console, "usage: :graph EXPR   (for example :graph y)", "red")
        return
    try:
        value = interpreter.eval(expression)
    except GradlangError as error:
        show_error(console, error, debug=interpreter.debug)
        return
    if not isinstance(value, Tensor):
        say(console, f"{expression} is not a tensor (its type is {type_name(value)}): only tensors have a backward "
            "graph", "yellow")
        return
    console.print(graph_tree(value, interpreter.globals, expression, console.width), soft_wrap=False)


def load(interpreter, path: str, console: Console) -> None:
    if not path:
        say(console, "usage: :load FILE", "red")
        return
    path = os.path.expanduser(path)
    try:
        with open(path, encoding="utf-8-sig") as handle:
            source = handle.read()
    except FileNotFoundError:
        say(console, f"{path}: no such file", "red")
        return
    except IsADirectoryError:
        say(console, f"{path}: is a directory, not a script", "red")
        return
    except (OSError, UnicodeDecodeError) as exc:
        say(console, f"{path}: cannot read ({exc})", "red")
        return
    try:
        interpreter.run(source, path)
    except GradlangError as error:
        show_error(console, error, with_location=True, debug=interpreter.debug)
        return
    say(console, f"loaded {path}", NOTE_STYLE)

"""Tab completion: names in scope, built-ins, keywords, module members, and what follows a `.`.

After a dot the thing before it is looked up, never evaluated: a chain of names through
bindings, modules (`torch.nn.functional.`) and plain tensor attributes (`x.grad.`), so
completing cannot run a program or change anything.
"""

from __future__ import annotations

import re
import warnings

from prompt_toolkit.completion import Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from ..core.tensor import Tensor
from ..language.builtins import MODULES
from ..language.sandbox import TENSOR_ATTRIBUTES, Namespace, readable_names
from .commands import ALIASES, COMMANDS, type_name
from .highlight import KEYWORDS

_DOTTED_TAIL = re.compile(r"(?<![\w.)\]])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(\.(?:[A-Za-z_]\w*)?)?$")
# Tensor attributes that are plain values: safe to follow while looking up `x.grad.`.
_TENSOR_VALUES = frozenset({"grad", "data", "T", "mT"})


def _members(value) -> dict[str, object]:
    """What may follow `value.`, with a short description of each."""
    if isinstance(value, Namespace):
        return {name: type_name(member) for name, member in value.members.items()}
    if isinstance(value, Tensor):
        return {name: "tensor attribute" for name in TENSOR_ATTRIBUTES}
    return {name: f"{type_name(value)} attribute" for name in readable_names(value)}


class GradlangCompleter(Completer):
    def __init__(self, interpreter) -> None:
        self.interpreter = interpreter
        self.paths = PathCompleter(expanduser=True)

    def lookup(self, dotted: str):
        """The value a dotted name refers to in the session, or None (never runs code)."""
        first, *rest = dotted.split(".")
        interpreter = self.interpreter
        if first in interpreter.globals:
            value = interpreter.globals[first]
        elif first in interpreter.builtins:
            value = interpreter.builtins[first]
        else:
            value = MODULES.get(first)  # `torch.` before `import torch`: show what importing gives
        for name in rest:
            if isinstance(value, Namespace):
                value = value.members.get(name)
            elif isinstance(value, Tensor) and name in _TENSOR_VALUES:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    value = getattr(value, name)
            else:
                return None
        return value

    def names(self) -> dict[str, str]:
        """Every name a line may start with, and what it is."""
        found: dict[str, str] = {word: "keyword" for word in KEYWORDS}
        found.update({name: "module" for name in ("torch", "math")})
        for name, value in self.interpreter.builtins.items():
            found[name] = "built-in" if callable(value) else type_name(value)
        for name, value in self.interpreter.globals.items():
            found[name] = type_name(value)
        return found

    def get_completions(self, document: Document, complete_event):
        line = document.current_line_before_cursor
        stripped = line.lstrip()
        if stripped.startswith(":") and document.cursor_position_row == 0:
            yield from self._command_completions(stripped)
            return
        if _inside_string_or_comment(line):
            return
        match = _DOTTED_TAIL.search(line)
        if match is None:
            return
        head, tail = match.group(1), match.group(2)
        if tail is not None:  # `head.prefix`: members of head
            base, prefix = head, tail[1:]
            choices = _members(self.lookup(base))
        elif "." in head:
            base, _, prefix = head.rpartition(".")
            choices = _members(self.lookup(base))
        else:
            prefix = head
            choices = self.names()
        for name in sorted(choices):
            if name.startswith(prefix) and not name.startswith("_") and name != prefix:
                yield Completion(name, start_position=-len(prefix), display_meta=choices[name])

    def _command_completions(self, stripped: str):
        word, space, argument = stripped.partition(" ")
        if not space:
            for name, what in COMMANDS.items():
                if name.startswith(word) and name != word:
                    yield Completion(name, start_position=-len(word), display_meta=what)
            return
        word = ALIASES.get(word, word)
        if word == ":load":
            yield from self.paths.get_completions(Document(argument), None)
        elif word in (":graph", ":time"):
            yield from self.get_completions(Document(argument), None)


def _inside_string_or_comment(line: str) -> bool:
    quote = None
    index = 0
    while index < len(line):
        ch = line[index]
        if quote:
            if ch == "\\":
                index += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return True
        index += 1
    return quote is not None

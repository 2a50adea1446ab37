"""gradlang: a tiny differentiable language on an autograd core that behaves like PyTorch.

`import gradlang as T` gives a torch-like API (`T.tensor`, `T.sin`, `T.autograd.grad`, …);
`from gradlang import Interpreter` runs gradlang programs.
"""

from __future__ import annotations

from .startup import collection_paused

with collection_paused():  # numpy's and our modules' objects: nothing for the collector to find
    from .core import *  # noqa: F403 - the torch-like surface
    from .core import autograd, nn  # noqa: F401
    from .errors import GradlangError  # noqa: F401 - public

__version__ = "0.1.0"


def __getattr__(name: str):
    # The language (and Lark) load only when asked for, so `import gradlang` stays quick.
    if name == "Interpreter":
        from .language.interpreter import Interpreter

        return Interpreter
    raise AttributeError(f"module 'gradlang' has no attribute {name!r}")

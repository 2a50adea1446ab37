"""The exceptions a gradlang program (or a Python user of the core) can raise.

Every error carries PyTorch's or Python's type name and message. Each class also
subclasses the matching Python built-in, so `except RuntimeError` works from Python.
The interpreter attaches a source location when the error crosses a statement.
"""

from __future__ import annotations


class GradlangError(Exception):
    """Base of every error a gradlang program can raise."""

    type_name = "Error"

    def __init__(
        self,
        message: str = "",
        *,
        line: int | None = None,
        column: int | None = None,
        filename: str | None = None,
        source_line: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.filename = filename
        self.source_line = source_line

    def locate(
        self, line: int | None, column: int | None, filename: str | None, source_line: str | None = None
    ) -> GradlangError:
        """Attach a location unless a more precise one is already known."""
        if self.line is None:
            self.line, self.column = line, column
            self.source_line = source_line
        if self.filename is None:
            self.filename = filename
        return self

    @property
    def headline(self) -> str:
        """`TYPE: message`, the line users see."""
        return f"{self.type_name}: {self.message}" if self.message else self.type_name

    def __str__(self) -> str:
        # Without a location this is the bare message, as PyTorch's str(exc) is.
        if self.line is None:
            return self.message
        where = f"{self.filename or '<input>'}:{self.line}:{self.column or 1}"
        return f"{where}: {self.headline}"


def _make(name: str, builtin: type[BaseException]) -> type[GradlangError]:
    return type(name, (GradlangError, builtin), {"type_name": name, "__module__": __name__})


# One gradlang class per Python/PyTorch exception type a program can meet.
Exception_ = type("Exception", (GradlangError,), {"type_name": "Exception", "__module__": __name__})
ArithmeticError_ = _make("ArithmeticError", ArithmeticError)
LookupError_ = _make("LookupError", LookupError)
RuntimeError_ = _make("RuntimeError", RuntimeError)
TypeError_ = _make("TypeError", TypeError)
ValueError_ = _make("ValueError", ValueError)
IndexError_ = _make("IndexError", IndexError)
KeyError_ = _make("KeyError", KeyError)
AttributeError_ = _make("AttributeError", AttributeError)
NameError_ = _make("NameError", NameError)
UnboundLocalError_ = type(
    "UnboundLocalError", (NameError_, UnboundLocalError), {"type_name": "UnboundLocalError", "__module__": __name__}
)
ZeroDivisionError_ = _make("ZeroDivisionError", ZeroDivisionError)
AssertionError_ = _make("AssertionError", AssertionError)
ImportError_ = _make("ImportError", ImportError)
RecursionError_ = _make("RecursionError", RecursionError)
OverflowError_ = _make("OverflowError", OverflowError)
NotImplementedError_ = _make("NotImplementedError", NotImplementedError)
SyntaxError_ = _make("SyntaxError", SyntaxError)
IndentationError_ = type(
    "IndentationError", (SyntaxError_, IndentationError), {"type_name": "IndentationError", "__module__": __name__}
)
StopIteration_ = _make("StopIteration", StopIteration)
# Raised by resource limits (steps, time, tensor size); a MemoryError for tensor size.
MemoryError_ = _make("MemoryError", MemoryError)
TimeoutError_ = _make("TimeoutError", TimeoutError)
KeyboardInterrupt_ = type(
    "KeyboardInterrupt", (GradlangError, KeyboardInterrupt), {"type_name": "KeyboardInterrupt", "__module__": __name__}
)
# torch.autograd.gradcheck's failure: a RuntimeError, as PyTorch's GradcheckError is.
GradcheckError_ = type("GradcheckError", (RuntimeError_,), {"type_name": "GradcheckError", "__module__": __name__})
OSError_ = _make("OSError", OSError)
ModuleNotFoundError_ = type(
    "ModuleNotFoundError", (ImportError_, ModuleNotFoundError),
    {"type_name": "ModuleNotFoundError", "__module__": __name__},
)
FloatingPointError_ = _make("FloatingPointError", FloatingPointError)
# `raise BaseException(...)` in a program: caught by `except BaseException` only, as in Python.
BaseException_ = type("BaseException", (GradlangError,), {"type_name": "BaseException", "__module__": __name__})

BY_NAME: dict[str, type[GradlangError]] = {
    cls.type_name: cls
    for cls in (
        Exception_, ArithmeticError_, LookupError_, RuntimeError_, TypeError_, ValueError_, IndexError_, KeyError_,
        AttributeError_, NameError_, UnboundLocalError_,
        ZeroDivisionError_, AssertionError_, ImportError_, RecursionError_, OverflowError_,
        NotImplementedError_, SyntaxError_, IndentationError_, StopIteration_, MemoryError_, TimeoutError_,
        KeyboardInterrupt_, OSError_, ModuleNotFoundError_, FloatingPointError_, BaseException_, GradcheckError_,
    )
}


# Python exceptions that a program's own mistakes raise inside built-ins (`1 / 0`, `[][0]`,
# `int("x")`); anything else escaping a built-in is a gradlang bug and is reported as one.
_USER_FACING = frozenset({
    "TypeError", "ValueError", "IndexError", "KeyError", "ZeroDivisionError", "OverflowError", "RecursionError",
    "AttributeError", "StopIteration", "MemoryError", "NotImplementedError", "AssertionError", "NameError",
})


def from_python(exc: BaseException) -> GradlangError:
    """Translate a Python built-in exception into the gradlang class of the same name."""
    if isinstance(exc, GradlangError):
        return exc
    for cls in type(exc).__mro__:
        if cls.__module__ == "builtins" and cls.__name__ in _USER_FACING:
            error = BY_NAME[cls.__name__](str(exc))
            error.args = exc.args  # (`{}['k']` is KeyError('k'), its message the quoted key)
            return error
    if type(exc) is RuntimeError and "changed size during iteration" in str(exc):  # the program's own doing
        return BY_NAME["RuntimeError"](str(exc))
    return RuntimeError_(
        f"internal error in gradlang ({type(exc).__name__}: {exc}); run with --debug to see where"
    )

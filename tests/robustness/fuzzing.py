"""What the fuzzers share: the one allowed outcome check, the program sources, and hypothesis strategies.

A program may succeed or raise a GradlangError with a location. Any other Python exception, an
error without a line, an "internal error" report, or a host object left in the program's
bindings (a numpy array, a Python type the sandbox does not list) is a bug.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradlang import GradlangError, Interpreter

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.grad"))

# Programs of our own, to mutate beside the examples: each reaches a different corner.
OWN_PROGRAMS = [
    "x = param([1.0, 2.0, 3.0])\ny = (x ** 2).sum()\ny.backward()\nprint(x.grad, y)\n",
    "def f(a, b=2):\n    if a > 0:\n        return f(a - 1, b) * b\n    return 1\nprint(f(5))\n",
    "w = param(randn(3, 2))\nfor step in range(5):\n    loss = (w @ ones(2)).relu().mean()\n"
    "    loss.backward()\n    with no_grad:\n        w -= 0.1 * w.grad\n    w.grad.zero_()\nprint(f'{loss:.3f}')\n",
    "try:\n    tensor([1.0]) + tensor([1.0, 2.0])\nexcept RuntimeError as e:\n    print('caught', str(e)[:20])\n"
    "finally:\n    print('done')\n",
    "xs = [i * 2 for i in range(5) if i % 2]\nd = {'a': 1, 'b': xs}\nprint(d['b'][1:], len(xs), xs[-1])\n",
    "import torch\nx = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)\n"
    "g, = torch.autograd.grad((x * x).sum(), [x], create_graph=True)\nprint(g.sum().grad_fn)\n",
    "f = lambda t: (t.sin() * t).sum()\nprint(grad(f)(tensor([0.5, 1.0])))\n"
    "print(jvp(lambda t: t ** 3, (tensor(2.0),), (tensor(1.0),)))\nprint(hessian(f)(tensor([1.0])))\n",
    "s = 'abc'\nprint(s.upper(), s[::-1], '{}-{}'.format(1, 2), '%d' % 3, f'{s!r:>6}')\n",
    "x = zeros(3)\nx[1] = 5\nprint(x, x.shape, x.dtype, x.T.ndim, x.view(3, 1).squeeze())\n",
    "n = 0\nwhile True:\n    n += 1\n    if n > 3:\n        break\nelse:\n    pass\nprint(n)\n",
]

ALL_PROGRAMS = [path.read_text() for path in EXAMPLES] + OWN_PROGRAMS


class Tally:
    """How many programs a fuzzer ran and how they ended (printed with `-s`)."""

    def __init__(self) -> None:
        self.outcomes: Counter = Counter()

    def __str__(self) -> str:
        total = sum(self.outcomes.values())
        top = ", ".join(f"{name} {count}" for name, count in self.outcomes.most_common(8))
        return f"{total} programs: {top}"


def make_interpreter() -> Interpreter:
    return Interpreter(stdout=io.StringIO(), stderr=io.StringIO(), max_steps=20_000, timeout=2.0,
                       max_tensor_elements=100_000, max_recursion=200)


def _walk(value, depth: int = 0):
    yield value
    if depth > 4:
        return
    if isinstance(value, (list, tuple)):
        for item in value[:20]:
            yield from _walk(item, depth + 1)
    elif isinstance(value, dict):
        for item in list(value.values())[:20]:
            yield from _walk(item, depth + 1)


def check_program(source: str, tally: Tally | None = None) -> str:
    """Run `source`; assert the outcome is allowed; return "ok" or the error's type name."""
    interp = make_interpreter()
    try:
        interp.run(source, filename="fuzz.grad")
        outcome = "ok"
    except GradlangError as error:
        assert error.line is not None, f"{error.headline} has no location\n--- program:\n{source}"
        assert error.filename == "fuzz.grad", error
        assert "internal error" not in error.message, f"{error.headline}\n--- program:\n{source}"
        str(error)  # the CLI's text can be made
        outcome = error.type_name
    for name, value in interp.globals.items():
        for item in _walk(value):
            assert not isinstance(item, (np.ndarray, np.generic)), f"numpy value reached the program as {name}"
    if tally is not None:
        tally.outcomes[outcome] += 1
    return outcome


def run_fuzzer(strategy, examples: int, tally: Tally, fixed_seed: bool = True) -> None:
    """Check `examples` programs drawn from `strategy`: a fixed seed in CI, fresh ones by hand."""

    @settings(max_examples=examples, derandomize=fixed_seed, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), print_blob=True)
    @given(strategy)
    def fuzz(source):
        check_program(source, tally)

    fuzz()
    print(f"\n{tally}")


# ---------------------------------------------------------------- random token streams

TOKENS = [
    "x", "y", "t", "f", "_", "__class__", "tensor", "param", "backward", "grad", "zeros", "ones", "sum", "range",
    "print", "len", "math", "torch", "no_grad", "lambda", "def", "return", "if", "elif", "else", "for", "in",
    "while", "break", "continue", "try", "except", "finally", "raise", "with", "as", "import", "from", "not",
    "and", "or", "is", "None", "True", "False", "pass", "assert", "del", "global", "0", "1", "2.5", ".5", "1e-3",
    "1e999", "10**10", "0x1F", "1_000", "'s'", '"a\\n"', "f'{x}'", "f'{x:.2f}'", "f'{'", "'''", "(", ")", "[",
    "]", "{", "}", ":", ",", ";", ".", "=", "==", "+=", "-=", "*=", "/=", "+", "-", "*", "/", "//", "%", "**",
    "@", "<", ">=", "!=", "->", "*", "\\", "#", "'", '"', "\t", "\n", "\n    ", "\n        ", "  ", " ",
    ".grad", ".shape", ".T", ".sum()", ".backward()", "(1.0)", "([1.0, 2.0])", "[0]", "[:, 1]", "\x00", "é",
]

token_streams = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40).map(" ".join) | \
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40).map("".join)


# ---------------------------------------------------------------- mutations of real programs

_MUTATION_TOKENS = ["(", ")", "[", "]", ":", "=", "\n", "    ", "\t", "'", '"', "#", "x", "0", "1e999", "**",
                    "None", "lambda:", "def", "@", ".", ",", "-", "tensor(", "\\", "\x00", "}", "{"]


@st.composite
def mutated_programs(draw) -> str:
    source = draw(st.sampled_from(ALL_PROGRAMS))
    lines = source.splitlines(keepends=True)
    if len(lines) > 40:  # a window of a long example keeps each run short
        start = draw(st.integers(0, len(lines) - 40))
        lines = lines[start:start + 40]
    text = "".join(lines)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate_line", "swap_lines", "dedent",
                                     "number", "truncate"]))
        pos = draw(st.integers(0, max(len(text) - 1, 0)))
        rows = text.splitlines(keepends=True) or [""]
        row = draw(st.integers(0, len(rows) - 1))
        if kind == "insert":
            text = text[:pos] + draw(st.sampled_from(_MUTATION_TOKENS)) + text[pos:]
        elif kind == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 8)):]
        elif kind == "replace":
            text = text[:pos] + draw(st.sampled_from(_MUTATION_TOKENS)) + text[pos + 1:]
        elif kind == "duplicate_line":
            rows.insert(row, rows[row])
            text = "".join(rows)
        elif kind == "swap_lines" and len(rows) > 1:
            other = draw(st.integers(0, len(rows) - 1))
            rows[row], rows[other] = rows[other], rows[row]
            text = "".join(rows)
        elif kind == "dedent":
            rows[row] = rows[row].lstrip(" ")
            text = "".join(rows)
        elif kind == "number":
            number = draw(st.sampled_from(["0", "-1", "0.0", "1e308", "10**6", "3", "2.5", "nan", "-0.0"]))
            text = text[:pos] + number + text[pos:]
        elif kind == "truncate":
            text = text[:pos]
    return text


# ---------------------------------------------------------------- random well-formed programs

NAMES = ["a", "b", "c", "d"]
PRELUDE = ("import torch\nimport math\na = param([1.0, -2.0, 3.0])\nb = tensor([[0.5, 1.0], [2.0, -1.0]])\n"
           "c = 2\nd = param(0.5)\n")

_LEAVES = st.sampled_from(NAMES + ["1", "0", "-2", "0.5", "3.0", "True", "None", "'s'", "[1.0, 2.0]", "(2, 3)",
                                   "tensor(1.5)", "tensor([1.0, 2.0, 3.0])", "ones(2, 3)", "zeros(3)",
                                   "arange(6)", "param([0.1, 0.2])", "torch.float64", "math.pi", "randn(3)"])

_UNARY = ["-{}", "({}).sum()", "({}).exp()", "sin({})", "({}).T", "({}).shape", "len({})", "({})[0]", "({}).item()",
          "({}).tolist()", "({}).detach()", "({}).grad", "({}).requires_grad", "relu({})", "softmax({}, dim=0)",
          "({}).reshape(-1)", "({}).mean(dim=0)", "({}).max()", "abs({})", "sqrt({})", "log({})", "tanh({})",
          "sigmoid({})", "({}).clamp(min=0)", "float({})", "int({})", "str({})", "({}).t()", "({}).pow(2)",
          "({}).numel()", "({}).dtype", "({}).grad_fn", "({}).clone()", "mean({})", "({}).view(1, -1)",
          "({}).unsqueeze(0)", "log_softmax({}, dim=-1)", "({}).float()", "({}).double()", "zeros_like({})",
          "gradient({})", "({}).size()", "({}).ndim", "not {}", "list({})", "round({}, 2)", "({}).sum(dim=1)",
          "torch.max({}, dim=0)", "({}).abs().sqrt()", "repr({})", "f'{{{}}}'", "f'{{{}:.3f}}'", "f'{{{}!r:>8}}'"]
_BINARY = ["{} + {}", "{} - {}", "{} * {}", "{} / {}", "{} ** {}", "{} @ {}", "{} // {}", "{} % {}",
           "maximum({}, {})", "minimum({}, {})", "cat([{}, {}])", "stack([{}, {}])", "where({} > 0, {}, 0.0)",
           "{} == {}", "{} < {}", "dot({}, {})", "matmul({}, {})", "pow({}, {})", "clamp({}, max={})",
           "{} if {} else 0", "({}, {})", "[{}, {}]", "{} and {}", "torch.full((2,), {}) * {}",
           "tensor({}, requires_grad={})", "{}[{}]", "max({}, {})", "min({}, {})", "transpose({}, 0, {})"]


def _expressions(depth: int):
    if depth == 0:
        return _LEAVES
    smaller = _expressions(depth - 1)
    return st.one_of(
        _LEAVES,
        st.tuples(st.sampled_from(_UNARY), smaller).map(lambda p: p[0].format(f"({p[1]})")),
        st.tuples(st.sampled_from(_BINARY), smaller, smaller).map(lambda p: p[0].format(f"({p[1]})", f"({p[2]})")),
    )


EXPRESSIONS = _expressions(3)

_STATEMENTS = [
    "{name} = {e}", "print({e})", "print({e}, {e2}, sep=', ')", "backward({name})", "({name}).backward()",
    "({e}).sum().backward()", "with no_grad:\n    {name} = {e}", "{name} += {e}", "{name} *= {e}",
    "for i in range(3):\n    {name} = {e}", "if {e}:\n    {name} = {e2}\nelse:\n    pass",
    "def f(x):\n    return {e}\n{name} = f({e2})", "{name}[0] = {e}", "({name}).grad.zero_()",
    "{name} = torch.autograd.grad(({e}).sum(), [{name2}])", "{name} = grad(lambda a: ({e}).sum())({name2})",
    "try:\n    {name} = {e}\nexcept RuntimeError as err:\n    print(err)", "{name} = [{e} for i in range(2)]",
    "{name}.requires_grad_()", "{name} = ({e}).detach().requires_grad_()", "assert {e}, 'no'",
    "{name} = jvp(lambda a: a * {e}, ({name2},), ({name2},))", "del {name}\n{name} = {e}",
    "{name}, {name2} = {e}, {e2}", "{name} = hessian(lambda a: (a ** 2).sum())({name2})",
    "{name}.grad = {e}", "{name}.data = {e}", "{name} = ({e}) @ ({e2}).T",
]


@st.composite
def well_formed_programs(draw) -> str:
    lines = [PRELUDE]
    for _ in range(draw(st.integers(1, 8))):
        template = draw(st.sampled_from(_STATEMENTS))
        lines.append(template.format(name=draw(st.sampled_from(NAMES)), name2=draw(st.sampled_from(NAMES)),
                                     e=draw(EXPRESSIONS), e2=draw(EXPRESSIONS)) + "\n")
    return "".join(lines)

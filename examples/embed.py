"""Embedding gradlang in a Python program: bind numpy data, run a program, read results back.

Run it with `python examples/embed.py`.
"""

import io

import numpy as np

from gradlang import GradlangError, Interpreter

# Fit y = w * x + b to noisy points by gradient descent, written in gradlang.
PROGRAM = """
w = param(0.0)
b = param(0.0)
for step in range(200):
    loss = ((w * x + b - y) ** 2).mean()
    loss.backward()
    with no_grad:
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
print(f"w={w.item():.3f} b={b.item():.3f} loss={loss.item():.5f}")
"""

x = np.linspace(0.0, 1.0, 20, dtype=np.float32)
y = 3.0 * x + 0.5 + np.random.default_rng(0).normal(0.0, 0.01, 20).astype(np.float32)

out = io.StringIO()
interp = Interpreter(stdout=out, max_steps=100_000, timeout=10)
interp["x"], interp["y"] = x, y  # numpy arrays become tensors
interp["lr"] = 0.5  # Python numbers stay numbers
interp.run(PROGRAM, filename="fit.grad")

print("the program printed:", out.getvalue().strip())
print("w as a Python float:", round(interp["w"].item(), 3))
print("predictions (numpy):", np.round(interp.eval("w * x + b").detach().numpy()[:3], 3))

# A mistake in the program is a GradlangError with a location; the interpreter keeps its bindings.
try:
    interp.run("z = w @ tensor([1.0, 2.0])", filename="oops.grad")
except GradlangError as error:
    print("error:", error)
    print("type, line, column:", error.type_name, error.line, error.column)
print("still bound after the error:", sorted(n for n in ("w", "b", "x") if n in interp))

# Limits stop a runaway program with a clear error.
try:
    Interpreter(max_steps=1000).run("while True:\n    pass")
except GradlangError as error:
    print("limited:", error.headline)

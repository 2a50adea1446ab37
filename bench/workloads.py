"""The benchmark workloads, each written once per system that runs it.

A workload is a class with `peers` (the systems, gradlang first), `sizes(quick)`, and one
`run_<peer>(size)` method per system. A run returns `(seconds, answer)`: the seconds the
timed part took and the numbers it computed, which bench/run.py compares across peers.
Inputs come from numpy with a fixed seed, and every peer starts from the same float32 values.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
GRAD_SCRIPTS = HERE / "grad"
TIMED_MARK = "# --- timed ---"

F32 = np.float32


def f32(value: float) -> float:
    """A Python float equal to the float32 nearest `value`: float64 peers start from float32's inputs."""
    return float(np.float32(value))


# ---------------------------------------------------------------- running gradlang


def run_grad_script(name: str, bindings: dict) -> tuple[float, object]:
    """Run bench/grad/NAME in a fresh interpreter: the part above the timed mark untimed."""
    from gradlang import Interpreter

    source = (GRAD_SCRIPTS / name).read_text()
    setup, timed = source.split(TIMED_MARK)
    interp = Interpreter()
    for key, value in bindings.items():
        interp[key] = value
    interp.run(setup, name)
    # Keep line numbers of the timed part as they are in the file.
    timed = "\n" * setup.count("\n") + timed
    start = time.perf_counter()
    interp.run(timed, name)
    return time.perf_counter() - start, interp


def _peer_available(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


# ---------------------------------------------------------------- micrograd extensions
# micrograd 0.1.0's Value has + * ** relu only; its README extends it the same way.


def mg_exp(v):
    from micrograd.engine import Value

    out = Value(math.exp(v.data), (v,), "exp")

    def _backward():
        v.grad += out.data * out.grad

    out._backward = _backward
    return out


def mg_log(v):
    from micrograd.engine import Value

    out = Value(math.log(v.data), (v,), "log")

    def _backward():
        v.grad += out.grad / v.data

    out._backward = _backward
    return out


def mg_sigmoid(v):
    from micrograd.engine import Value

    s = 1.0 / (1.0 + math.exp(-v.data))
    out = Value(s, (v,), "sigmoid")

    def _backward():
        v.grad += s * (1.0 - s) * out.grad

    out._backward = _backward
    return out


def mg_tanh(v):
    from micrograd.engine import Value

    t = math.tanh(v.data)
    out = Value(t, (v,), "tanh")

    def _backward():
        v.grad += (1.0 - t * t) * out.grad

    out._backward = _backward
    return out


def mg_clamp(v, low: float, high: float):
    from micrograd.engine import Value

    out = Value(min(max(v.data, low), high), (v,), "clamp")

    def _backward():
        v.grad += out.grad if low <= v.data <= high else 0.0

    out._backward = _backward
    return out


# ---------------------------------------------------------------- W1 start-up


class W1:
    title = "start-up: x = param(3.0); y = x**2; backward(y); print x.grad"
    unit = "s"
    peers = ["gradlang", "torch", "numpy", "micrograd", "autograd"]
    rtol = 1e-6
    GRADLANG = "x = param(3.0); y = x**2; backward(y); print x.grad"
    PYTHON = {
        "torch": "import torch; x = torch.tensor(3.0, requires_grad=True); y = x**2; y.backward(); print(x.grad)",
        "numpy": "import numpy",
        "micrograd": "from micrograd.engine import Value; x = Value(3.0); y = x**2; y.backward(); print(x.grad)",
        "autograd": "from autograd import grad; print(grad(lambda x: x**2)(3.0))",
    }
    MODULES = {"torch": "torch", "numpy": "numpy", "micrograd": "micrograd", "autograd": "autograd"}

    def sizes(self, quick: bool) -> dict:
        return {"repeats": 2 if quick else 7}

    @staticmethod
    def _process(argv: list[str]) -> tuple[float, object]:
        # Every process, peers included, runs from bytecode as an installed package does: a
        # private bytecode cache, written on the warm-up round, even where the environment
        # says PYTHONDONTWRITEBYTECODE (otherwise gradlang, unlike site-packages, recompiles
        # its sources on every start).
        env = dict(os.environ, PYTHONPYCACHEPREFIX=str(HERE / "results" / "pycache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{argv!r} failed: {done.stderr.strip()}")
        numbers = re.findall(r"[-+]?\d+\.?\d*", done.stdout)
        return seconds, {"grad": float(numbers[0])} if numbers else None

    def run_gradlang(self, size):
        script = Path(sys.executable).with_name("gradlang")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "gradlang"]
        return self._process(command + ["-c", self.GRADLANG])

    def _python(self, peer):
        return self._process([sys.executable, "-c", self.PYTHON[peer]])

    def run_torch(self, size):
        return self._python("torch")

    def run_numpy(self, size):
        return self._python("numpy")

    def run_micrograd(self, size):
        return self._python("micrograd")

    def run_autograd(self, size):
        return self._python("autograd")


# ---------------------------------------------------------------- W2 scalar SGD


class W2:
    title = "scalar SGD: the seed's logistic regression (BCE with clamp), per step"
    unit = "us/step"
    peers = ["gradlang", "torch", "micrograd", "autograd"]
    rtol = 2e-3
    LR = 0.1
    EPS = 1e-8

    def sizes(self, quick: bool) -> dict:
        return {"steps": 300 if quick else 20_000, "repeats": 1 if quick else 3}

    def per(self, size) -> float:
        return 1e6 / size["steps"]

    def run_gradlang(self, size):
        seconds, interp = run_grad_script("w2_sgd.grad", {"steps": size["steps"]})
        return seconds, {"w": interp["w"].item(), "b": interp["b"].item(), "loss": interp["loss"].item()}

    def run_torch(self, size):
        import torch

        x = torch.tensor(6.7)
        y = torch.tensor(0.0)
        w = torch.tensor(1.0, requires_grad=True)
        b = torch.tensor(0.0, requires_grad=True)
        lr, epsilon = self.LR, self.EPS

        def binary_cross_entropy_loss(prediction, target):
            prediction = torch.clamp(prediction, epsilon, 1 - epsilon)
            return -(target * torch.log(prediction) + (1 - target) * torch.log(1 - prediction))

        start = time.perf_counter()
        for _ in range(size["steps"]):
            y_pred = torch.sigmoid(w * x + b)
            loss = binary_cross_entropy_loss(y_pred, y)
            loss.backward()
            with torch.no_grad():
                w -= lr * w.grad
                b -= lr * b.grad
            w.grad.zero_()
            b.grad.zero_()
        seconds = time.perf_counter() - start
        return seconds, {"w": w.item(), "b": b.item(), "loss": loss.item()}

    def run_micrograd(self, size):
        from micrograd.engine import Value

        x, y = f32(6.7), 0.0
        w, b = Value(1.0), Value(0.0)
        lr, epsilon = self.LR, self.EPS

        def binary_cross_entropy_loss(prediction, target):
            prediction = mg_clamp(prediction, epsilon, 1 - epsilon)
            return -(target * mg_log(prediction) + (1 - target) * mg_log(1 - prediction))

        start = time.perf_counter()
        for _ in range(size["steps"]):
            y_pred = mg_sigmoid(w * x + b)
            loss = binary_cross_entropy_loss(y_pred, y)
            loss.backward()
            w.data -= lr * w.grad
            b.data -= lr * b.grad
            w.grad = 0
            b.grad = 0
        seconds = time.perf_counter() - start
        return seconds, {"w": w.data, "b": b.data, "loss": loss.data}

    def run_autograd(self, size):
        import autograd.numpy as anp
        from autograd import value_and_grad

        x, y = f32(6.7), 0.0
        lr, epsilon = self.LR, self.EPS

        def sigmoid(z):
            return 1.0 / (1.0 + anp.exp(-z))

        def loss_of(params):
            w, b = params
            prediction = anp.clip(sigmoid(w * x + b), epsilon, 1 - epsilon)
            return -(y * anp.log(prediction) + (1 - y) * anp.log(1 - prediction))

        step = value_and_grad(loss_of)
        w, b = 1.0, 0.0
        start = time.perf_counter()
        for _ in range(size["steps"]):
            loss, (gw, gb) = step((w, b))
            w -= lr * gw
            b -= lr * gb
        seconds = time.perf_counter() - start
        return seconds, {"w": w, "b": b, "loss": float(loss)}


# ---------------------------------------------------------------- W3 vector chain


class W3:
    title = "vector chain: mean((sigmoid(w*x+b) - 0.5)**2), 1e6 float32, forward+backward"
    unit = "ms/rep"
    peers = ["gradlang", "torch", "numpy", "autograd"]
    rtol = 1e-3

    def sizes(self, quick: bool) -> dict:
        return {"n": 10_000 if quick else 1_000_000, "repeats": 3 if quick else 20, "rounds": 3 if quick else 5}

    def per(self, size) -> float:
        return 1e3 / size["repeats"]

    @staticmethod
    def inputs(n: int):
        rng = np.random.RandomState(3)
        return rng.standard_normal(n).astype(F32), F32(0.75), F32(-0.25)

    def run_gradlang(self, size):
        x, w, b = self.inputs(size["n"])
        seconds, interp = run_grad_script(
            "w3_vector.grad", {"x": x, "w": np.array(w), "b": np.array(b), "repeats": size["repeats"]}
        )
        return seconds, {"loss": interp["loss"].item(), "dw": interp["w"].grad.item(), "db": interp["b"].grad.item()}

    def run_torch(self, size):
        import torch

        torch.set_num_threads(1)
        xs, w0, b0 = self.inputs(size["n"])
        x = torch.from_numpy(xs)
        w = torch.tensor(w0, requires_grad=True)
        b = torch.tensor(b0, requires_grad=True)
        start = time.perf_counter()
        for _ in range(size["repeats"]):
            w.grad = None
            b.grad = None
            loss = torch.mean((torch.sigmoid(w * x + b) - 0.5) ** 2)
            loss.backward()
        seconds = time.perf_counter() - start
        return seconds, {"loss": loss.item(), "dw": w.grad.item(), "db": b.grad.item()}

    def run_numpy(self, size):
        """The same forward and backward written by hand, float32 throughout."""
        x, w, b = self.inputs(size["n"])
        half, two, scale = F32(0.5), F32(2.0), F32(1.0 / x.size)
        start = time.perf_counter()
        for _ in range(size["repeats"]):
            s = 1 / (1 + np.exp(-(w * x + b)))
            d = s - half
            loss = np.mean(d * d)
            g = (two * scale) * d * s * (1 - s)
            dw = np.dot(g, x)
            db = g.sum()
        seconds = time.perf_counter() - start
        return seconds, {"loss": float(loss), "dw": float(dw), "db": float(db)}

    def run_autograd(self, size):
        import autograd.numpy as anp
        from autograd import value_and_grad

        x, w, b = self.inputs(size["n"])

        def loss_of(w, b):
            s = 1 / (1 + anp.exp(-(w * x + b)))
            return anp.mean((s - 0.5) ** 2)

        step = value_and_grad(loss_of, argnum=(0, 1))
        start = time.perf_counter()
        for _ in range(size["repeats"]):
            loss, (dw, db) = step(w, b)
        seconds = time.perf_counter() - start
        return seconds, {"loss": float(loss), "dw": float(dw), "db": float(db)}


# ---------------------------------------------------------------- W4 MLP


class W4:
    title = "MLP: 2-16-16-1 tanh, 100 two-moons points, full-batch SGD, per step"
    unit = "ms/step"
    peers = ["gradlang", "torch", "autograd", "micrograd"]
    rtol = 1e-3
    LR = 0.1
    def sizes(self, quick: bool) -> dict:
        # micrograd takes seconds per step: it runs the first steps only.
        return {"points": 100, "steps": 5 if quick else 100, "repeats": 1 if quick else 3,
                "micrograd_steps": 1 if quick else 2}

    def per(self, size) -> float:
        return 1e3 / size["steps"]

    def per_peer(self, peer, size) -> float:
        steps = min(size["steps"], size["micrograd_steps"]) if peer == "micrograd" else size["steps"]
        return 1e3 / steps

    @staticmethod
    def inputs(points: int) -> dict:
        rng = np.random.RandomState(4)
        half = points // 2
        angle = rng.uniform(0, np.pi, points)
        outer = np.stack([np.cos(angle[:half]), np.sin(angle[:half])], 1)
        inner = np.stack([1 - np.cos(angle[half:]), 0.5 - np.sin(angle[half:])], 1)
        X = np.concatenate([outer, inner]) + rng.normal(0, 0.1, (points, 2))
        Y = np.concatenate([np.ones(half), -np.ones(points - half)])[:, None]
        data = {"X": X.astype(F32), "Y": Y.astype(F32)}
        for name, fan_in, fan_out in (("1", 2, 16), ("2", 16, 16), ("3", 16, 1)):
            data["W" + name] = (rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)).astype(F32)
            data["b" + name] = np.zeros(fan_out, F32)
        return data

    def run_gradlang(self, size):
        data = self.inputs(size["points"])
        seconds, interp = run_grad_script("w4_mlp.grad", {**data, "steps": size["steps"], "lr": self.LR})
        return seconds, {"losses": list(interp["losses"])}

    def run_torch(self, size):
        import torch

        torch.set_num_threads(1)
        data = {k: torch.from_numpy(v.copy()) for k, v in self.inputs(size["points"]).items()}
        X, Y = data["X"], data["Y"]
        params = [data[k].requires_grad_() for k in ("W1", "b1", "W2", "b2", "W3", "b3")]
        W1, b1, W2, b2, W3, b3 = params
        losses = []
        start = time.perf_counter()
        for _ in range(size["steps"]):
            h1 = torch.tanh(X @ W1 + b1)
            h2 = torch.tanh(h1 @ W2 + b2)
            out = h2 @ W3 + b3
            loss = ((out - Y) ** 2).mean()
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= self.LR * p.grad
                    p.grad.zero_()
            losses.append(loss.item())
        seconds = time.perf_counter() - start
        return seconds, {"losses": losses}

    def run_autograd(self, size):
        import autograd.numpy as anp
        from autograd import value_and_grad

        data = self.inputs(size["points"])
        X, Y = data["X"], data["Y"]
        params = [data[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3")]
        lr = F32(self.LR)

        def loss_of(params):
            W1, b1, W2, b2, W3, b3 = params
            h1 = anp.tanh(anp.dot(X, W1) + b1)
            h2 = anp.tanh(anp.dot(h1, W2) + b2)
            out = anp.dot(h2, W3) + b3
            return anp.mean((out - Y) ** 2)

        step = value_and_grad(loss_of)
        losses = []
        start = time.perf_counter()
        for _ in range(size["steps"]):
            loss, grads = step(params)
            params = [p - lr * g for p, g in zip(params, grads)]
            losses.append(float(loss))
        seconds = time.perf_counter() - start
        return seconds, {"losses": losses}

    def run_micrograd(self, size):
        from micrograd.engine import Value

        data = self.inputs(size["points"])
        X, Y = data["X"].tolist(), data["Y"][:, 0].tolist()
        layers = [
            ([[Value(v) for v in row] for row in data["W" + k].tolist()], [Value(v) for v in data["b" + k].tolist()])
            for k in "123"
        ]
        params = [p for W, b in layers for p in [v for row in W for v in row] + b]

        def layer(inputs, W, b, nonlinear):
            outputs = []
            for j, bias in enumerate(b):
                total = bias
                for i, value in enumerate(inputs):
                    total = total + value * W[i][j]
                outputs.append(mg_tanh(total) if nonlinear else total)
            return outputs

        losses = []
        start = time.perf_counter()
        for _ in range(min(size["steps"], size["micrograd_steps"])):
            total = Value(0.0)
            for point, target in zip(X, Y):
                h = layer(point, *layers[0], True)
                h = layer(h, *layers[1], True)
                out = layer(h, *layers[2], False)[0]
                total = total + (out - target) ** 2
            loss = total * (1.0 / len(X))
            loss.backward()
            for p in params:
                p.data -= self.LR * p.grad
                p.grad = 0
            losses.append(loss.data)
        seconds = time.perf_counter() - start
        return seconds, {"losses": losses}


# ---------------------------------------------------------------- W5 deep graph


class W5:
    title = "deep graph: 100 000 x `y = y*1.0001 + 0.0001` on a scalar, one backward"
    unit = "s"
    peers = ["gradlang", "torch", "micrograd", "autograd"]
    rtol = 2e-3

    def sizes(self, quick: bool) -> dict:
        return {"n": 2_000 if quick else 100_000, "repeats": 1 if quick else 3}

    def run_gradlang(self, size):
        seconds, interp = run_grad_script("w5_deep.grad", {"n": size["n"]})
        return seconds, {"y": interp["y"].item(), "grad": interp["x"].grad.item()}

    def run_torch(self, size):
        import torch

        x = torch.tensor(1.0, requires_grad=True)
        start = time.perf_counter()
        y = x
        for _ in range(size["n"]):
            y = y * 1.0001 + 0.0001
        y.backward()
        seconds = time.perf_counter() - start
        return seconds, {"y": y.item(), "grad": x.grad.item()}

    def run_micrograd(self, size):
        from micrograd.engine import Value

        a, c = f32(1.0001), f32(0.0001)
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 4 * size["n"] + 1000))  # its topological sort recurses
        try:
            x = Value(1.0)
            start = time.perf_counter()
            y = x
            for _ in range(size["n"]):
                y = y * a + c
            y.backward()
            seconds = time.perf_counter() - start
        finally:
            sys.setrecursionlimit(limit)
        return seconds, {"y": y.data, "grad": x.grad}

    def run_autograd(self, size):
        from autograd import value_and_grad

        a, c = f32(1.0001), f32(0.0001)

        def chain(x):
            y = x
            for _ in range(size["n"]):
                y = y * a + c
            return y

        start = time.perf_counter()
        y, grad = value_and_grad(chain)(1.0)
        seconds = time.perf_counter() - start
        return seconds, {"y": float(y), "grad": float(grad)}


# ---------------------------------------------------------------- W6 parse


class W6:
    title = "parse: a generated 20 000-line script, parse only"
    unit = "lines/s"
    peers = ["gradlang"]
    rtol = 0.0

    def sizes(self, quick: bool) -> dict:
        return {"lines": 1_000 if quick else 20_000, "repeats": 1 if quick else 3}

    @staticmethod
    def source(lines: int) -> str:
        """Typical gradlang: assignments, calls, arithmetic, defs, loops, ifs, f-strings."""
        block = [
            "w{i} = param([0.5, -1.0, 2.0])",
            "b{i} = tensor(0.1, requires_grad=True)",
            "def f{i}(a, b=2):",
            "    z = a * w{i} + b{i} ** 2 - sin(a) / (1 + exp(-a))",
            "    if z.sum() > 0 and b != 3:",
            "        return z.mean()",
            "    return z.sum() * 0.5",
            "for k in range(3):",
            "    loss = f{i}(tensor([1.0, 2.0, 3.0]) * k, b=k)",
            "    print(f\"step {{k}}: loss={{loss.item():.4f}}\", k)",
        ]
        out = []
        i = 0
        while len(out) < lines:  # whole blocks, so the script stays valid
            out.extend(line.format(i=i) for line in block)
            i += 1
        return "\n".join(out) + "\n"

    def run_gradlang(self, size):
        from gradlang.language.parser import parse

        source = self.source(size["lines"])
        start = time.perf_counter()
        module = parse(source, "<bench>")
        seconds = time.perf_counter() - start
        return seconds, {"statements": float(len(module.body))}

    def rate(self, size) -> float:
        return float(self.source(size["lines"]).count("\n"))


WORKLOADS = {"W1": W1, "W2": W2, "W3": W3, "W4": W4, "W5": W5, "W6": W6}

"""Graphs are deep without recursion and are freed by reference counting alone (no cycles)."""

from __future__ import annotations

import gc
import sys
import tracemalloc
import weakref

import numpy as np
import pytest

import gradlang as T


@pytest.mark.slow
def test_100000_node_chain_backpropagates_without_recursion():
    x = T.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0001 + 0.0001
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # the engine must not need the Python stack
    try:
        y.backward()
    finally:
        sys.setrecursionlimit(limit)
    # d y / d x = 1.0001 ** 100000, accumulated in float32 as PyTorch does
    assert x.grad.item() == pytest.approx(22052, rel=1e-4)
    del y  # dropping a 200 000-node graph must not overflow the C stack either


def test_long_chain_matches_torch_in_float32(torch):
    def chain(lib):
        x = lib.tensor(1.0, requires_grad=True)
        y = x
        for _ in range(3000):
            y = y * 1.0001 + 0.0001
        y.backward()
        return y.item(), x.grad.item()

    assert chain(T) == pytest.approx(chain(torch), rel=1e-6)


def _train(steps: int, on_step=None):
    """A tiny two-layer model fitted by plain SGD, as a gradlang user writes it."""
    T.manual_seed(0)
    inputs = T.randn(16, 3)
    targets = T.randn(16, 1)
    w1 = T.randn(3, 8, requires_grad=True)
    b1 = T.zeros(8, requires_grad=True)
    w2 = T.randn(8, 1, requires_grad=True)
    params = [w1, b1, w2]
    losses = []
    for step in range(steps):
        hidden = (inputs @ w1 + b1).tanh()
        loss = ((hidden @ w2 - targets) ** 2).mean()
        loss.backward()
        with T.no_grad():
            for p in params:
                p -= 0.05 * p.grad
                p.grad.zero_()
        losses.append(loss.item())
        if on_step is not None:
            on_step(step, loss)
    return losses


def test_graph_is_freed_when_its_last_tensor_goes():
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).sin().sum()
    nodes = [weakref.ref(y.grad_fn), weakref.ref(y.grad_fn.edges[0])]
    gc.disable()
    try:
        del y
        assert all(ref() is None for ref in nodes), "reference counting alone must free the graph"
    finally:
        gc.enable()


def test_a_node_does_not_reference_its_output():
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # saves its output
    out = weakref.ref(y)
    node = y.grad_fn
    del y
    assert out() is None
    assert node.saved_tensors()[0].tolist() == pytest.approx(np.exp([1.0, 2.0]).tolist())


def test_training_creates_no_reference_cycles():
    gc.collect()
    gc.disable()
    try:
        seen: list[weakref.ref] = []
        _train(200, lambda step, loss: seen.append(weakref.ref(loss.grad_fn)))
        assert sum(ref() is not None for ref in seen) == 0, "every step's graph is freed by reference counting"
        assert gc.collect() == 0, "no cyclic garbage left for the collector"
    finally:
        gc.enable()


def test_memory_stays_flat_over_1000_training_steps():
    sizes: dict[int, int] = {}

    def measure(step, loss):
        if step in (100, 999):
            gc.collect()  # only what a collection could not free would count as a leak
            sizes[step] = tracemalloc.get_traced_memory()[0]

    gc.collect()
    tracemalloc.start()
    try:
        losses = _train(1000, measure)
    finally:
        tracemalloc.stop()
    assert losses[-1] < losses[0]
    # One step's graph and gradients take several kilobytes, so keeping them would grow by megabytes;
    # what may grow is the list of 900 more losses and numpy's small caches.
    assert sizes[999] - sizes[100] < 100 * 1024

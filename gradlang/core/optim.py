"""torch.optim.SGD: the update PyTorch's own SGD makes (its single-tensor form, the one it runs
on the CPU), parameter groups, per-parameter state, zero_grad and the printed form."""

from __future__ import annotations

from collections import defaultdict

from ..errors import TypeError_, ValueError_
from .grad_mode import no_grad
from .tensor import Tensor


class SGD:
    """Stochastic gradient descent, with momentum (Nesterov's too), dampening, weight decay and
    maximize, as torch.optim.SGD."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None) -> None:
        if lr < 0.0:
            raise ValueError_(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError_(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError_(f"Invalid weight_decay value: {weight_decay}")
        self.defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                         "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                         "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError_("Nesterov momentum requires a momentum and zero dampening")
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        for group in _groups(params):
            self.add_param_group(group)

    def add_param_group(self, group: dict) -> None:
        params = group["params"]
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.requires_grad_(False)
                    p.grad.zero_()

    def step(self, closure=None):
        """One update of every parameter that has a gradient; `closure()` (re)computes the loss first."""
        loss = closure() if closure is not None else None
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        self._update(p, group)
        return loss

    def _update(self, p: Tensor, group: dict) -> None:
        grad = -p.grad if group["maximize"] else p.grad
        if group["weight_decay"] != 0:
            grad = grad.add(p, alpha=group["weight_decay"])
        momentum = group["momentum"]
        if momentum != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = grad.clone().detach()
            else:
                buf.mul_(momentum).add_(grad, alpha=1 - group["dampening"])
            grad = grad.add(buf, alpha=momentum) if group["nesterov"] else buf
        p.add_(grad, alpha=-group["lr"])

    def __repr__(self) -> str:
        groups = []
        for i, group in enumerate(self.param_groups):
            lines = [f"Parameter Group {i}"] + [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
            groups.append("\n".join(lines))
        return f"{type(self).__name__} (\n" + "\n\n".join(groups) + "\n)"


def _groups(params) -> list[dict]:
    """The parameter groups `params` describes: tensors (one group) or dicts (one group each)."""
    if isinstance(params, Tensor):
        raise TypeError_(
            "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
            f"torch.{params.dtype.legacy_name}"
        )
    params = list(params)
    if not params:
        raise ValueError_("optimizer got an empty parameter list")
    if not isinstance(params[0], dict):
        return [{"params": params}]
    return [dict(group) for group in params]

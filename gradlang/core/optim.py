"""torch.optim's SGD, Adam and AdamW: the updates PyTorch's own optimizers make (their single-tensor
form, the one they run on the CPU), parameter groups, per-parameter state, zero_grad and the printed
form. `Optimizer` holds what they share; each subclass writes the update of one parameter."""

from __future__ import annotations

from collections import defaultdict

from ..errors import NotImplementedError_, TypeError_, ValueError_
from .creation import full_like, tensor, zeros_like
from .grad_mode import enable_grad, no_grad
from .notices import warn
from .ops import maximum
from .tensor import Tensor


def clear_grads(params, set_to_none: bool = True) -> None:
    """What zero_grad does to each parameter, an optimizer's or a module's: its gradient goes, or
    becomes zeros in place (a gradient with history, from create_graph, is cut from it first)."""
    for p in params:
        if p.grad is None:
            continue
        if set_to_none:
            p.grad = None
        else:
            if p.grad.grad_fn is not None:
                p.grad.detach_()
            else:
                p.grad.requires_grad_(False)
            p.grad.zero_()


class Optimizer:
    """Parameter groups (each a dict with "params" and its own settings, the defaults filling in
    the rest), state kept per parameter, and a step that updates every parameter with a gradient."""

    stepped = False  # whether step() ran: a learning-rate scheduler warns if it steps first

    def __init__(self, params, defaults: dict) -> None:
        self.defaults = defaults
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        for group in _groups(params):
            self.add_param_group(group)

    def add_param_group(self, group: dict) -> None:
        params = group["params"]
        if isinstance(params, set):
            raise TypeError_("optimizer parameters need to be organized in ordered collections, but the ordering "
                             "of tensors in sets will change between runs. Please use a list instead.")
        params = group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError_(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not (p.is_leaf or p.retains_grad):
                raise ValueError_("can't optimize a non-leaf Tensor")
        if len({id(p) for p in params}) != len(params):
            warn("optimizer contains a parameter group with duplicate parameters; in future, this will cause an "
                 "error; see github.com/pytorch/pytorch/issues/40967 for more information", UserWarning)
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        taken = {id(p) for other in self.param_groups for p in other["params"]}
        if taken & {id(p) for p in params}:
            raise ValueError_("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        clear_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def state_dict(self) -> dict:
        """{'state': each parameter's state by its index (counted through the groups),
        'param_groups': each group's settings with its parameters' indices}, as PyTorch's."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        params = [p for group in self.param_groups for p in group["params"]]
        return {"state": {index[id(p)]: self.state[p] for p in params if p in self.state}, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """The settings and state of state_dict() taken back, by parameter index; state tensors
        are copied (in the parameter's dtype, but for Adam's `step` count)."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError_("loaded state dict has a different number of parameter groups")
        by_index = {}
        for own, saved in zip(self.param_groups, groups):
            if len(own["params"]) != len(saved["params"]):
                raise ValueError_("loaded state dict contains a parameter group that doesn't match the size of "
                                  "optimizer's group")
            by_index.update(zip(saved["params"], own["params"]))
        for own, saved in zip(self.param_groups, groups):
            own.update({key: value for key, value in saved.items() if key != "params"})
        self.state = defaultdict(dict)
        for i, values in state_dict["state"].items():
            p = by_index[i]
            self.state[p] = {key: (value.clone() if key == "step" else value.to(p.dtype).clone())
                             if isinstance(value, Tensor) else value for key, value in values.items()}

    def step(self, closure=None):
        """One update of every parameter that has a gradient; `closure()` (re)computes the loss
        first, recording as PyTorch's optimizers have it do even inside no_grad."""
        loss = None
        self.stepped = True
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        self._update(p, group)
        return loss

    def _update(self, p: Tensor, group: dict) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        groups = []
        for i, group in enumerate(self.param_groups):
            lines = [f"Parameter Group {i}"] + [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
            groups.append("\n".join(lines))
        return f"{type(self).__name__} (\n" + "\n\n".join(groups) + "\n)"


class SGD(Optimizer):
    """Stochastic gradient descent, with momentum (Nesterov's too), dampening, weight decay and
    maximize, as torch.optim.SGD."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None) -> None:
        _check_at_least_zero(lr=lr, momentum=momentum, weight_decay=weight_decay)
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError_("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

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


class Adam(Optimizer):
    """Adam, as torch.optim.Adam: moving averages of the gradient and of its square, bias-corrected;
    AMSGrad, maximize, and weight decay added to the gradient or, decoupled, taken off the parameter."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False) -> None:
        if any(isinstance(value, Tensor) for value in (lr, *betas)):
            raise NotImplementedError_("gradlang's Adam takes its lr and betas as numbers, not tensors")
        if not 0.0 <= lr:
            raise ValueError_(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError_(f"Invalid epsilon value: {eps}")
        for index, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError_(f"Invalid beta parameter at index {index}: {beta}")
        if not 0.0 <= weight_decay:
            raise ValueError_(f"Invalid weight_decay value: {weight_decay}")
        if not (isinstance(betas[0], float) and isinstance(betas[1], float)):
            raise ValueError_("betas must be either both floats or both Tensors")
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict) -> None:
        grad = -p.grad if group["maximize"] else p.grad
        state = self.state[p]
        if not state:  # PyTorch's order of the entries, and its float32 step count
            state["step"] = tensor(0.0)
            state["exp_avg"] = zeros_like(p)
            state["exp_avg_sq"] = zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_like(p)
        state["step"] += 1
        lr, (beta1, beta2), weight_decay = group["lr"], group["betas"], group["weight_decay"]
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                p.mul_(1 - lr * weight_decay)
            else:
                grad = grad.add(p, alpha=weight_decay)
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        # The bias corrections are Python floats, from the step count as a float.
        step = state["step"].item()
        step_size = lr / (1 - beta1**step)
        root_of_correction = (1 - beta2**step) ** 0.5
        if group["amsgrad"]:
            largest = state["max_exp_avg_sq"]
            largest.copy_(maximum(largest, exp_avg_sq))
            exp_avg_sq = largest
        denominator = (exp_avg_sq.sqrt() / root_of_correction).add_(group["eps"])
        p.addcdiv_(exp_avg, denominator, value=-step_size)


class AdamW(Adam):
    """Adam with decoupled weight decay (0.01 unless given), as torch.optim.AdamW."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)


def _check_at_least_zero(**values) -> None:
    """PyTorch's ValueError for a hyperparameter below zero, named as it names them."""
    names = {"lr": "learning rate", "eps": "epsilon value"}
    for key, value in values.items():
        if not 0.0 <= value:
            raise ValueError_(f"Invalid {names.get(key, key + ' value')}: {value}")


class RMSprop(Optimizer):
    """RMSprop, as torch.optim.RMSprop: a moving average of the squared gradient scales each step;
    centered, momentum, weight decay and maximize too."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False) -> None:
        _check_at_least_zero(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = {"lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weight_decay, "momentum": momentum,
                    "centered": centered, "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict) -> None:
        grad = -p.grad if group["maximize"] else p.grad
        state = self.state[p]
        if not state:  # PyTorch's entries, in its order
            state["step"] = tensor(0.0)
            state["square_avg"] = zeros_like(p)
            if group["momentum"] > 0:
                state["momentum_buffer"] = zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = zeros_like(p)
        state["step"] += 1
        alpha = group["alpha"]
        if group["weight_decay"] != 0:
            grad = grad.add(p, alpha=group["weight_decay"])
        square_avg = state["square_avg"]
        square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg.lerp_(grad, 1 - alpha)
            average = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            average = square_avg.sqrt()
        average = average.add_(group["eps"])
        if group["momentum"] > 0:
            buffer = state["momentum_buffer"]
            buffer.mul_(group["momentum"]).addcdiv_(grad, average)
            p.add_(buffer, alpha=-group["lr"])
        else:
            p.addcdiv_(grad, average, value=-group["lr"])


class Adagrad(Optimizer):
    """Adagrad, as torch.optim.Adagrad: steps scaled by the root of the summed squared gradients,
    with learning-rate decay, weight decay and maximize; its state is made with the optimizer."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None) -> None:
        _check_at_least_zero(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                             initial_accumulator_value=initial_accumulator_value, eps=eps)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["step"] = tensor(0.0)
                self.state[p]["sum"] = full_like(p, group["initial_accumulator_value"])

    def _update(self, p: Tensor, group: dict) -> None:
        grad = -p.grad if group["maximize"] else p.grad
        state = self.state[p]
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = grad.add(p, alpha=group["weight_decay"])
        step_size = group["lr"] / (1 + (state["step"].item() - 1) * group["lr_decay"])
        state["sum"].addcmul_(grad, grad, value=1)
        p.addcdiv_(grad, state["sum"].sqrt().add_(group["eps"]), value=-step_size)


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

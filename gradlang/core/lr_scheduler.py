"""torch.optim.lr_scheduler's StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR and LambdaLR:
each `step()` sets the learning rate of every parameter group by PyTorch's own formula (most of
them from the rate the group holds: PyTorch's chainable form), so the rates are PyTorch's to
the last bit."""

from __future__ import annotations

import math
from collections import Counter

from ..errors import TypeError_, ValueError_
from .notices import warn
from .optim import Optimizer

STEP_ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should "
    "call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will "
    "result in PyTorch skipping the first value of the learning rate schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)


class LRScheduler:
    """A schedule of learning rates: `step()` once an epoch, after the optimizer's step."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError_(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        for group in optimizer.param_groups:  # PyTorch records the starting rate in each group
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self.step()

    def _rates(self) -> list:
        """Each group's rate for the epoch just begun (self.last_epoch)."""
        raise NotImplementedError

    def step(self) -> None:
        if self._step_count == 1 and not self.optimizer.stepped:
            warn(STEP_ORDER_WARNING, UserWarning, stacklevel=2)
        self._step_count += 1
        self.last_epoch += 1
        for group, rate in zip(self.optimizer.param_groups, self._rates()):
            group["lr"] = rate
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _times_gamma(self, power: int = 1) -> list:
        """The rates the groups hold, times gamma ** power (none when power is 0)."""
        rates = [group["lr"] for group in self.optimizer.param_groups]
        return [rate * self.gamma ** power for rate in rates] if power else rates

    def get_last_lr(self) -> list:
        return self._last_lr


class StepLR(LRScheduler):
    """The rate times `gamma` every `step_size` epochs."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def _rates(self) -> list:
        return self._times_gamma(int(self.last_epoch != 0 and self.last_epoch % self.step_size == 0))


class MultiStepLR(LRScheduler):
    """The rate times `gamma` at each epoch listed in `milestones` (a repeated one, once per listing)."""

    def __init__(self, optimizer: Optimizer, milestones, gamma: float = 0.1, last_epoch: int = -1) -> None:
        self.milestones, self.gamma = Counter(milestones), gamma
        super().__init__(optimizer, last_epoch)

    def _rates(self) -> list:
        return self._times_gamma(self.milestones.get(self.last_epoch, 0))


class ExponentialLR(LRScheduler):
    """The rate times `gamma` every epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _rates(self) -> list:
        return self._times_gamma(int(self.last_epoch != 0))


class CosineAnnealingLR(LRScheduler):
    """The rate along half a cosine from its start to `eta_min` over `T_max` epochs (and back up
    over the next T_max), each step from the rate before, by PyTorch's recursive formula."""

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:  # noqa: N803
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def _rates(self) -> list:
        epoch, period, low = self.last_epoch, self.T_max, self.eta_min
        pairs = list(zip((group["lr"] for group in self.optimizer.param_groups), self.base_lrs))
        if epoch == 0:
            return [rate for rate, _ in pairs]
        if (epoch - 1 - period) % (2 * period) == 0:  # the bottom of the cosine: a step back up
            return [rate + (base - low) * (1 - math.cos(math.pi / period)) / 2 for rate, base in pairs]
        ratio = (1 + math.cos(math.pi * epoch / period)) / (1 + math.cos(math.pi * (epoch - 1) / period))
        return [ratio * (rate - low) + low for rate, _ in pairs]


class LambdaLR(LRScheduler):
    """Each group's starting rate times `lr_lambda(epoch)` (one function, or one per group)."""

    def __init__(self, optimizer: Optimizer, lr_lambda, last_epoch: int = -1) -> None:
        count = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != count:
                raise ValueError_(f"Expected {count} lr_lambdas, but got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * count
        super().__init__(optimizer, last_epoch)

    def _rates(self) -> list:
        return [base * factor(self.last_epoch) for base, factor in zip(self.base_lrs, self.lr_lambdas)]


SCHEDULERS = (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LambdaLR)

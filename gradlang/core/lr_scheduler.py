"""torch.optim.lr_scheduler's StepLR and ExponentialLR: each `step()` sets the learning rate of
every parameter group, from the rate it holds, as PyTorch's schedulers (its chainable form) do."""

from __future__ import annotations

from ..errors import TypeError_
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

    gamma = 1.0  # the factor a decaying epoch multiplies every group's rate by

    def _decays(self) -> bool:
        """Whether the epoch just begun (self.last_epoch) multiplies the rates by gamma."""
        raise NotImplementedError

    def step(self) -> None:
        if self._step_count == 1 and not self.optimizer.stepped:
            warn(STEP_ORDER_WARNING, UserWarning, stacklevel=2)
        self._step_count += 1
        self.last_epoch += 1
        if self._decays():
            for group in self.optimizer.param_groups:
                group["lr"] = group["lr"] * self.gamma
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list:
        return self._last_lr


class StepLR(LRScheduler):
    """The rate times `gamma` every `step_size` epochs."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def _decays(self) -> bool:
        return self.last_epoch != 0 and self.last_epoch % self.step_size == 0


class ExponentialLR(LRScheduler):
    """The rate times `gamma` every epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _decays(self) -> bool:
        return self.last_epoch != 0

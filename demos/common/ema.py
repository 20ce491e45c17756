"""Exponential moving average of a model's floating-point parameters and buffers."""

from __future__ import annotations

import copy

import torch
from torch import nn


class EMA:
    """Keeps ``shadow = decay * shadow + (1 - decay) * param`` after each :meth:`update`.

    ``shadow`` is a frozen copy of the model (use it for sampling); non-float buffers are copied.
    """

    def __init__(self, model: nn.Module, decay: float = 0.999) -> None:
        if not 0.0 <= decay <= 1.0:
            raise ValueError(f"EMA decay must be in [0, 1], got {decay}")
        self.decay = decay
        self.shadow = copy.deepcopy(model).eval().requires_grad_(False)

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        src = model.state_dict()
        for name, value in self.shadow.state_dict().items():
            new = src[name].detach()
            if value.is_floating_point():
                value.lerp_(new.to(value.dtype), 1.0 - self.decay)
            else:
                value.copy_(new)

    def state_dict(self) -> dict[str, torch.Tensor]:
        return self.shadow.state_dict()

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        self.shadow.load_state_dict(state)

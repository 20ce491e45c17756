"""Counterfactual prompts: change one attribute, keep the rest (and the noise), and say what the
synthetic cohort's analytic model predicts the change should be."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from demos.common.errors import DemoError

from .data import DIAGNOSES, Attributes, Case, expected_image, render_fields

ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "smoker": ("yes", "no"),
    "sex": ("male", "female"),
    "diagnosis": DIAGNOSES,
    "status_1y": ("alive", "dead"),
    "age": (),  # any integer
}


class CounterfactualError(DemoError, ValueError):
    """An unknown attribute or a value it cannot take."""


def set_attribute(a: Attributes, attribute: str, value: str) -> Attributes:
    """A copy of ``a`` with one attribute changed; ``smoker`` also resets pack-years (to unknown)."""
    if attribute not in ATTRIBUTES:
        raise CounterfactualError(
            f"unknown attribute {attribute!r} (choose from {', '.join(ATTRIBUTES)})"
        )
    choices = ATTRIBUTES[attribute]
    if attribute == "age":
        try:
            age = int(value)
        except ValueError:
            raise CounterfactualError(f"age: expected an integer, got {value!r}") from None
        if not 0 <= age <= 120:
            raise CounterfactualError(f"age: {age} is outside 0..120")
        return replace(a, age=age)
    if value not in choices:
        raise CounterfactualError(f"{attribute}: {value!r} is not one of {', '.join(choices)}")
    if attribute == "smoker":
        return replace(a, smoker=value, pack_years=None)
    out = replace(a)
    setattr(out, attribute, value)
    return out


def true_difference(case: Case, attribute: str, to: str, base: str | None = None) -> np.ndarray:
    """Known-truth change of the noise-free image (HU) from ``base`` (default: the case's own
    recorded value) to ``to``, with every other attribute as recorded."""
    f = render_fields(case.anatomy, case.expected_hu.shape)
    start = case.table if base is None else set_attribute(case.table, attribute, base)
    return expected_image(f, set_attribute(case.table, attribute, to)) - expected_image(f, start)

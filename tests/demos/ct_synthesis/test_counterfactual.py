from __future__ import annotations

import numpy as np
import pytest

from demos.ct_synthesis.counterfactual import CounterfactualError, set_attribute, true_difference
from demos.ct_synthesis.data import Attributes, Case


def test_set_attribute_and_errors() -> None:
    a = Attributes(age=70, sex="male", smoker="yes", pack_years=40.0)
    assert set_attribute(a, "smoker", "no") == Attributes(age=70, sex="male", smoker="no")
    assert set_attribute(a, "age", "24").age == 24 and a.age == 70
    assert set_attribute(a, "diagnosis", "IPF").diagnosis == "IPF"
    with pytest.raises(CounterfactualError, match="unknown attribute 'height'"):
        set_attribute(a, "height", "1")
    with pytest.raises(CounterfactualError, match="smoker: 'maybe' is not one of yes, no"):
        set_attribute(a, "smoker", "maybe")
    with pytest.raises(CounterfactualError, match="age: expected an integer"):
        set_attribute(a, "age", "old")


def test_true_difference_is_negative_in_lungs_and_zero_for_sex(cases_2d: list[Case]) -> None:
    c = cases_2d[0]
    d = true_difference(c, "smoker", "yes", base="no")
    lung = c.lung > 0
    assert d[lung].mean() < -10 and np.all(d[c.body == 0] == 0)
    assert np.all(true_difference(c, "sex", "female", base="male") == 0)

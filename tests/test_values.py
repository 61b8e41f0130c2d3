"""expression_value: the value pyomo.value gives, bit for bit, on the node kinds the model builds."""

from __future__ import annotations

import numpy as np
import pyomo.core as pyo
import pytest

from simulator.model.matrix import linear_sum
from simulator.model.values import expression_value


@pytest.fixture
def model():
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(4))
    m.p = pyo.Param(mutable=True, initialize=4.0)
    for i, v in enumerate([0.1, 0.2, 0.3, 3.0]):
        m.x[i].value = v
    m.named = pyo.Expression(expr=linear_sum([1.0, 1.0, 1.0], [m.x[0], m.x[1], m.x[2]]))
    return m


def test_values_by_hand(model):
    x = model.x
    # 0.1 + 0.2 + 0.3 added left to right is 0.6000000000000001 in binary floating point (not 0.6)
    assert expression_value(model.named) == 0.6000000000000001
    # 2·3 − 0.6000000000000001 / 3 + 4 · 0.1 = 6 − 0.20000000000000004 + 0.4
    expr = 2 * x[3] - model.named / x[3] + model.p * x[0]
    assert expression_value(expr) == pytest.approx(6.2, abs=1e-15)
    assert expression_value(-x[3]) == -3.0
    assert expression_value(7) == 7 and expression_value(np.float64(2.5)) == 2.5


def test_same_float_as_pyomo(model):
    x = model.x
    rng = np.random.default_rng(3)
    coefs = rng.normal(size=4) * 1e3
    exprs = [
        linear_sum(coefs, [x[0], x[1], x[2], x[3]], constant=0.7),
        sum(c * x[i] for i, c in enumerate(coefs)) + model.named,
        (model.named + 1e-17) * x[3] / (x[0] + x[1]),
        model.p * model.named - x[2],
    ]
    for expr in exprs:
        assert expression_value(expr) == pyo.value(expr)  # exactly


def test_variable_without_value_raises_like_pyomo(model):
    model.x[2].value = None
    with pytest.raises(ValueError):
        expression_value(model.named)
    with pytest.raises(ValueError):
        pyo.value(model.named)

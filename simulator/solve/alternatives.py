"""Is the optimum unique? Ranges of LP quantities over the set of optimal plans.

With the objective held at its optimum, ``c·x ≤ z* + slack``, a linear
quantity ``q = Σ_j a_j x_j`` is minimised and maximised over the same
constraints. If the range ``[q_min, q_max]`` is wider than the tolerances,
the LP has equal-cost alternative optima that differ in ``q``: two machines
(or two HiGHS builds) may legitimately return different values of ``q`` at
the same cost. The slack is the HiGHS primal feasibility tolerance (the row
can be violated by that much anyway), in objective units (M CNY).
"""

from __future__ import annotations

import highspy
import numpy as np

#: objective slack allowed on the optimal face, M CNY (= 100 CNY; HiGHS's primal feasibility tolerance on that row)
OBJECTIVE_SLACK_MCNY = 1e-7


def optimal_face(result):
    """Prepare the solved Highs instance of ``result`` for ranging: add ``c·x ≤ z*`` and clear the costs.

    Returns a function ``range_of(columns, coefficients) → (min, max)``, with
    ``range_of.attainable(quantities) → bool`` (several values at once, one LP).
    The instance is changed: use it only after the result's values are read.
    """
    h = result.highs
    lp = h.getLp()
    cost = np.asarray(lp.col_cost_, dtype=float)
    z = float(h.getInfo().objective_function_value) - float(lp.offset_)
    nz = np.flatnonzero(cost)
    h.addRow(-highspy.kHighsInf, z + OBJECTIVE_SLACK_MCNY, len(nz), nz.astype(np.int32), cost[nz])
    n = len(cost)
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.zeros(n))
    h.changeObjectiveOffset(0.0)
    h.setOptionValue("output_flag", False)

    def attainable(quantities: list[tuple[list[int], list[float], float, float]]) -> bool:
        """Can every quantity ``Σ_j a_j x_j`` lie within ``tol`` of its value at once, at the optimal cost?

        ``quantities``: (columns, coefficients, value, tol) each. One LP on the
        optimal face with a row ``value − tol ≤ Σ a_j x_j ≤ value + tol`` per
        quantity and no objective: feasible means a plan exists that is as
        cheap as the optimum (+ the slack) and has all these values together.
        The rows are removed again afterwards.
        """
        first = h.getNumRow()
        for columns, coefficients, value, tol in quantities:
            idx = np.asarray(columns, dtype=np.int32)
            h.addRow(value - tol, value + tol, len(idx), idx, np.asarray(coefficients, dtype=float))
        h.changeObjectiveSense(highspy.ObjSense.kMinimize)
        h.run()
        ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        h.deleteRows(h.getNumRow() - first, np.arange(first, h.getNumRow(), dtype=np.int32))
        return ok

    def range_of(columns, coefficients) -> tuple[float, float]:
        idx = np.asarray(columns, dtype=np.int32)
        coef = np.asarray(coefficients, dtype=float)
        out = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            h.changeObjectiveSense(sense)
            h.changeColsCost(len(idx), idx, coef)
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                out.append(float("nan"))
            else:
                out.append(float(h.getInfo().objective_function_value))
            h.changeColsCost(len(idx), idx, np.zeros(len(idx)))
        return out[0], out[1]

    range_of.attainable = attainable
    return range_of

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

    Returns a function ``range_of(columns, coefficients) → (min, max)``. The
    instance is changed: use it only after the result's values are read.
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

    return range_of

"""Stage 3, solve: the Pyomo model handed to HiGHS and what comes back.

``highs`` (standard-form compilation, solver methods and fallbacks, status,
duals: a ``SolveResult``), ``alternatives`` (ranges of a quantity over all
optimal plans: proves an equal-cost alternative optimum) and ``diagnose`` (why a scenario is infeasible, in planner's
terms: soft-target re-solve, IIS, unserved load by year).
"""

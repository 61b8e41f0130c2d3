"""Stage 3, solve: the Pyomo model handed to HiGHS and what comes back.

``highs`` (standard-form compilation, solver methods, status, duals: a
``SolveResult``) and ``diagnose`` (why a scenario is infeasible, in planner's
terms: soft-target re-solve, IIS, unserved load by year).
"""

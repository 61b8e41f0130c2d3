"""Stage 2, model: the linear programme, built from intake's Scenario and Inputs.

``timeslices`` (representative days or the 8,760-hour year), ``measures`` (the
one investable-measure object every sector uses), ``targets`` (indicators and
target rows) and ``core`` (sets, the electricity balance, the objective; it
adds one Block per sector from ``simulator.sectors``, the model's plug-ins).
The math never reads files or prints.
"""

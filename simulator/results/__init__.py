"""Stage 4, results: what a solved model means, as tables, charts and documents.

``tables`` (tidy result tables with units), ``limits`` (binding input limits,
their duals and value of relaxing them), ``i18n`` (the one translation table), ``charts``, ``report`` (report.html),
``iamc`` (IAMC export), ``compare`` (several runs side by side) and
``calibration`` (base-year results against official statistics).
Nothing here writes a run folder; that is the runs stage.
"""

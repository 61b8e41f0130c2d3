"""Stage 5, runs: a scenario taken end to end and recorded so anyone can re-create it.

``pipeline`` (intake → model → solve → results, with timings), ``run_folder``
(atomic run folders and the manifest), ``reproduce``, ``bundle`` and ``publish``.
``simulator.sweep`` (variants on Dask) sits above this stage; ``cli.py`` above all.
"""

"""Stage 1, intake: everything a run reads from the user's files.

``scenario`` (YAML with ``extends:``, merge rules, located validation),
``schema_base`` and ``sector_settings`` (the scenario's pydantic schemas),
``inputs`` (the input tables of a data set, their sources, ranges and overrides),
``physical`` (values no real city's data can hold: finite numbers, fractions,
unique ids, complete hourly profiles, plausibility bounds) and ``datacheck`` (what each table holds and on which sources it rests).
Only this stage opens user files; it imports nothing above it.
"""

"""Stage 1, intake: everything a run reads from the user's files.

``scenario`` (YAML with ``extends:``, merge rules, located validation),
``schema_base`` and ``sector_settings`` (the scenario's pydantic schemas),
``inputs`` (the input tables of a data set, their sources and overrides) and
``datacheck`` (what each table holds and on which sources it rests).
Only this stage opens user files; it imports nothing above it.
"""

"""The one error hierarchy of the simulator.

Every error a user can cause is a :class:`SimulatorError`; the CLI maps each
subclass to an exit code and prints its message without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in a user file.

    ``where`` is ``path:line:col`` (or ``path:row N``), ``field`` the dotted
    field path, ``what`` what is wrong and ``expected`` what is expected.
    """

    where: str
    field: str
    what: str
    expected: str = ""

    def __str__(self) -> str:
        tail = f" ({self.expected})" if self.expected else ""
        field = f"{self.field}: " if self.field else ""
        return f"{self.where}: {field}{self.what}{tail}"


class SimulatorError(Exception):
    """Base of every error the simulator reports to a user."""

    exit_code = 1

    def __init__(self, message: str = "", problems: list[Problem] | None = None):
        self.problems = list(problems or [])
        if not message and self.problems:
            message = "\n".join(str(p) for p in self.problems)
        super().__init__(message)


class InputError(SimulatorError):
    """A scenario or input table is wrong; all problems are listed together."""

    exit_code = 2


class ScenarioError(InputError):
    """A scenario file is wrong."""


class DataError(InputError):
    """An input table under ``inputs/`` is wrong."""


class InfeasibleError(SimulatorError):
    """Hard targets cannot all be met, or the solver did not reach optimality."""

    exit_code = 3

    def __init__(self, message: str, diagnosis=None):
        super().__init__(message)
        self.diagnosis = diagnosis


class SolveError(SimulatorError):
    """The solver stopped without an optimal solution (time limit, numerics)."""

    exit_code = 3


class ReproduceError(SimulatorError):
    """A run could not be reproduced within the stated tolerances."""

    exit_code = 4

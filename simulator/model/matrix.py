"""Hourly constraint families as sparse matrix blocks that Pyomo carries.

A family of per-slice rows (the electricity balance, storage state of charge
and limits, imports per slice, curtailment) is built with numpy as one CSR
matrix over index arrays, not as one Pyomo expression per row:

    lower[row] ≤ Σ_j A[row, j] · x_j ≤ upper[row]

It is attached to its block as a :class:`MatrixRows` component, a Pyomo
``MatrixConstraint`` whose rows are real ``ConstraintData`` objects indexed by
the family's keys (year, slice, …), so ``block.family[y, s]`` is the row of
(y, s), its name is ``block.family[y,s]`` and ``result.duals[block.family[y, s]]``
reads its dual, as for an expression-built ``Constraint``. The LP compiler
(``simulator.solve.highs.compile_lp``) appends these rows directly to the
matrix Pyomo's standard-form compiler makes of the rest of the model.

:class:`LinearTerms` holds Σ coef · var + constant per row in COO form (row
positions, Pyomo variables, coefficients), so that families can be added
(e.g. supply − Σ loads) before they become a matrix.
"""

from __future__ import annotations

import itertools
import weakref
from dataclasses import dataclass

import numpy as np
from pyomo.common.gc_manager import PauseGC
from pyomo.core.base.matrix_constraint import MatrixConstraint, _MatrixConstraintData
from pyomo.core.expr.numeric_expr import LinearExpression


def var_grid(var, *shape: int) -> np.ndarray:
    """The VarData of ``var`` (indexed over a product of ordered sets, e.g. Y × S × R) as an object array of ``shape``.

    Position (i, j, k) holds ``var[Y[i], S[j], R[k]]``: Pyomo keeps a dense
    variable's data in the order of its index set, which is checked. The grid
    is kept on the variable (families of one model read the same grids).
    """
    grid = getattr(var, "_matrix_grid", None)
    if grid is not None and grid.size == len(var):
        return grid.reshape(shape)
    data = list(var.values())
    if len(data) != int(np.prod(shape)):
        raise ValueError(f"{var.name}: {len(data)} entries, expected {shape}")
    subsets = list(var.index_set().subsets())
    index = list(itertools.product(*(list(s) for s in subsets))) if len(subsets) > 1 else list(var.index_set())
    if index and list(var.keys()) != index:
        raise ValueError(f"{var.name}: data not in index-set order")
    grid = np.empty(len(data), dtype=object)
    grid[:] = data
    var._matrix_grid = grid
    return grid.reshape(shape)


def scipy_sparse():
    """``scipy.sparse``, imported without the ``scipy.stats`` Pyomo's import hook would add.

    Pyomo registers a callback on the first import of scipy (however it is
    imported) that also imports ``scipy.stats``, ``scipy.integrate`` and
    ``scipy.spatial``: 0.9 s of a run that uses none of them. Where Pyomo's
    deferred scipy has not been resolved yet, its callback is dropped; Pyomo's
    own uses of ``scipy.sparse`` are unchanged (scipy loads other submodules
    on first access). Should Pyomo rename these internals, this does nothing.
    """
    from pyomo.common import dependencies

    indicator = getattr(dependencies, "scipy_available", None)
    if getattr(indicator, "_module", False) is None and hasattr(indicator, "_callback"):
        indicator._callback = None
    from scipy import sparse

    return sparse


def _first_appearance(variables: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, index): the position of each distinct variable's first appearance, in order of appearance, and
    each entry's distinct-variable number. Numbered by appearance, not by memory address: the same model, the
    same numbering (and so the same LP column order and the same order of terms in every expression)."""
    ids = np.fromiter(map(id, variables), dtype=np.int64, count=len(variables))
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return first[order], rank[inverse]


@dataclass
class LinearTerms:
    """Σ_t coef[t] · var[t] over the terms t of each row, plus constant[row], for ``n_rows`` rows (COO form).

    ``rows`` (int) and ``vars`` (object: Pyomo VarData) and ``coefs`` (float)
    have one entry per term; ``constant`` has one entry per row. Terms with a
    zero coefficient are dropped when the matrix is made.
    """

    rows: np.ndarray
    vars: np.ndarray
    coefs: np.ndarray
    constant: np.ndarray

    @classmethod
    def empty(cls, n_rows: int) -> LinearTerms:
        return cls(np.zeros(0, dtype=np.int64), np.empty(0, dtype=object), np.zeros(0), np.zeros(n_rows))

    @classmethod
    def of(cls, rows, variables, coefs, n_rows: int) -> LinearTerms:
        """Terms ``coefs · variables`` at ``rows`` (broadcast to one shape and flattened), no constant."""
        rows, variables, coefs = np.broadcast_arrays(np.asarray(rows, dtype=np.int64), np.asarray(variables, dtype=object), coefs)
        return cls(rows.ravel(), variables.ravel(), np.asarray(coefs, dtype=float).ravel(), np.zeros(n_rows))

    def __add__(self, other: LinearTerms) -> LinearTerms:
        return LinearTerms(
            np.concatenate([self.rows, other.rows]),
            np.concatenate([self.vars, other.vars]),
            np.concatenate([self.coefs, other.coefs]),
            self.constant + other.constant,
        )

    def __neg__(self) -> LinearTerms:
        return LinearTerms(self.rows, self.vars, -self.coefs, -self.constant)

    def __sub__(self, other: LinearTerms) -> LinearTerms:
        return self + (-other)

    def csr(self):
        """(data, indices, indptr, x): the terms as a CSR matrix over the distinct variables x (duplicates summed, zeros dropped)."""
        sparse = scipy_sparse()
        keep = self.coefs != 0.0
        rows, variables, coefs = self.rows[keep], self.vars[keep], self.coefs[keep]
        first, column = _first_appearance(variables)
        matrix = sparse.csr_array((coefs, (rows, column)), shape=(len(self.constant), len(first)))
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
        return matrix.data, matrix.indices, matrix.indptr, tuple(variables[first])


def linear_sum(coefs, variables, constant: float = 0.0) -> LinearExpression:
    """constant + Σ_t coefs[t] · variables[t] as one Pyomo ``LinearExpression`` (terms with a zero coefficient dropped).

    Built directly from the lists, not by adding term after term: a yearly
    sum over 8,760 slices is one expression node with 8,760 monomials.
    """
    coefs = np.asarray(coefs, dtype=float).ravel()
    variables = np.asarray(variables, dtype=object).ravel()
    keep = coefs != 0.0
    return LinearExpression(constant=float(constant), linear_coefs=coefs[keep].tolist(), linear_vars=variables[keep].tolist())


class LinearView:
    """Read-only rows of :class:`LinearTerms` by key: ``view[y, s]`` is that row as a Pyomo ``LinearExpression``.

    Used for per-slice quantities that feed matrix families (power ``supply``,
    sector ``load``, ``renewable_available``): the LP reads ``terms``; a row's
    expression is built only when asked for (``pyo.value(view[y, s])``), and
    :meth:`values_array` evaluates every row at once.
    """

    def __init__(self, keys: list, terms: LinearTerms, doc: str | None = None):
        self.terms = terms
        self.doc = doc
        self._keys = list(keys)
        self._row = {k: i for i, k in enumerate(self._keys)}
        self._order = None

    def __getitem__(self, key) -> LinearExpression:
        i = self._row[key]
        if self._order is None:
            self._order = np.argsort(self.terms.rows, kind="stable")
            self._start = np.searchsorted(self.terms.rows[self._order], np.arange(len(self._keys) + 1))
        at = self._order[self._start[i] : self._start[i + 1]]
        return linear_sum(self.terms.coefs[at], self.terms.vars[at], float(self.terms.constant[i]))

    def __contains__(self, key) -> bool:
        return key in self._row

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def keys(self):
        return iter(self._keys)

    def values_array(self) -> np.ndarray:
        """Every row's value at the variables' current values (an unset variable counts 0), in key order."""
        t = self.terms
        x = np.fromiter((0.0 if v.value is None else v.value for v in t.vars), dtype=float, count=len(t.vars))
        return t.constant + np.bincount(t.rows, weights=t.coefs * x, minlength=len(self._keys))


def _bounds_list(bounds: np.ndarray) -> list:
    """The bounds as Python floats, None where infinite (what ``MatrixConstraint`` takes)."""
    out = bounds.astype(object)
    out[~np.isfinite(bounds)] = None
    return out.tolist()


class _RowData(_MatrixConstraintData):
    """One row of a :class:`MatrixRows` family; its index is the family's key (year, slice, …)."""

    __slots__ = ()

    def index(self):
        return self.parent_component()._keys[self._index]


class MatrixRows(MatrixConstraint):
    """A ``MatrixConstraint`` indexed by keys: ``lower[k] ≤ A[k] · x ≤ upper[k]`` for each key k.

    ``lower`` and ``upper`` are float arrays, ±inf for no bound; equal bounds make an equality.
    """

    def __init__(self, keys: list, terms: LinearTerms, lower, upper, doc: str | None = None):
        n = len(keys)
        lower = np.broadcast_to(np.asarray(lower, dtype=float), (n,)) - terms.constant
        upper = np.broadcast_to(np.asarray(upper, dtype=float), (n,)) - terms.constant
        data, indices, indptr, x = terms.csr()
        MatrixConstraint.__init__(
            self,
            data,
            indices,
            indptr,
            _bounds_list(lower),
            _bounds_list(upper),
            x,
        )
        self.doc = doc
        self._keys = list(keys)
        self._row = {k: i for i, k in enumerate(self._keys)}
        self.lower_array = lower  # float arrays of the bounds, ±inf for none (read by the LP compiler)
        self.upper_array = upper

    def construct(self, data=None):
        if self._constructed:
            return
        self._constructed = True
        ref = weakref.ref(self)
        with PauseGC():
            self._data = tuple(_RowData(i, ref) for i in range(len(self._keys)))

    def __getitem__(self, key):
        return self._data[self._row[key]]

    def __contains__(self, key):
        return key in self._row

    def __iter__(self):
        return iter(self._keys)

    def keys(self, sort=None, ordered=None):
        return iter(self._keys)

    def values(self, sort=None, ordered=None):
        return iter(self._data)

    def items(self, sort=None, ordered=None):
        return zip(self._keys, self._data, strict=True)

    def row_of(self, key) -> int:
        """Position of ``key``'s row in the family's matrix."""
        return self._row[key]

    def row_expression(self, key) -> LinearExpression:
        """The body Σ_j A[k, j] · x_j of ``key``'s row as a Pyomo expression (for checks; the LP never builds it)."""
        return self[key].body


def matrix_rows(keys: list, terms: LinearTerms, lower=-np.inf, upper=np.inf, doc: str | None = None) -> MatrixRows:
    """A :class:`MatrixRows` component: ``lower ≤ terms ≤ upper`` row by row (the terms' constants moved to the bounds)."""
    return MatrixRows(keys, terms, lower, upper, doc=doc)


def is_matrix_rows(component) -> bool:
    return isinstance(component, MatrixConstraint)


__all__ = ["LinearTerms", "LinearView", "MatrixRows", "is_matrix_rows", "linear_sum", "matrix_rows", "var_grid"]

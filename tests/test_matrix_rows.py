"""Hourly families built as matrix blocks give the same LP as the same rows written as Pyomo expressions.

1. A hand-made model: a matrix family with an equality, a ≤ row, a ≥ row, a
   range, a fixed variable and a variable that appears in no other row is
   compiled next to the same rows written as ``pyo.Constraint``; the LP
   (rows and columns sorted by name) is the same number for number, and the
   hand-solved optimum and duals are read through the family's keys.
2. The reference scenario (2 days × 2024–2026): every hourly family of the power
   sector and the balance is written again as expressions, from the equations
   in the docstrings, in place of the matrix blocks; the compiled LP is the same.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyomo.core as pyo
import pytest

from simulator.model.matrix import LinearTerms, LinearView, MatrixRows, matrix_rows, var_grid
from simulator.runs import pipeline
from simulator.solve.highs import _IdIndex, compile_lp, new_highs

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _lp_by_name(model, rename=None):
    """{(row name, sense): ({column name: coefficient}, lower, upper)}, {column name: (cost, lower, upper)}, offset."""
    rename = rename or {}
    compiled = compile_lp(model)
    lp = compiled.lp
    cols = [v.name for v in compiled.repn.columns]
    a = compiled.repn.A.tocsr()  # rows × columns before canonical rounding; the HighsLp holds the rounded values
    value = np.asarray(lp.a_matrix_.value_)
    start, index = np.asarray(lp.a_matrix_.start_), np.asarray(lp.a_matrix_.index_)
    entries: dict = {}
    for j in range(lp.num_col_):
        for k in range(start[j], start[j + 1]):
            entries.setdefault(int(index[k]), {})[cols[j]] = float(value[k])
    rows = {}
    for r, (con, sense) in enumerate(compiled.repn.rows):
        name = con.name
        for old, new in rename.items():
            name = name.replace(old, new)
        rows[(name, sense)] = (entries.get(r, {}), float(lp.row_lower_[r]), float(lp.row_upper_[r]))
    columns = {n: (float(c), float(lo), float(hi)) for n, c, lo, hi in zip(cols, lp.col_cost_, lp.col_lower_, lp.col_upper_, strict=True)}
    assert a.shape == (lp.num_row_, lp.num_col_)
    return rows, columns, float(lp.offset_)


def _hand_model(matrix: bool):
    """min x0 + 2·x1 + 3·x2 s.t. rows r0..r4 (below); y fixed at 2; z appears in one row only."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(3), bounds=(0, 10))
    m.y = pyo.Var(initialize=2.0)
    m.y.fix()
    m.z = pyo.Var(bounds=(-1, 4))
    m.cost = pyo.Objective(expr=m.x[0] + 2 * m.x[1] + 3 * m.x[2])
    rows = {
        # key: (terms [(coef, var)], lower, upper)
        (2024, 0): ([(1.0, m.x[0]), (1.0, m.x[1])], 3.0, 3.0),  # x0 + x1 = 3
        (2024, 1): ([(1.0, m.x[1]), (-1.0, m.y)], None, 0.0),  # x1 − y ≤ 0  → x1 ≤ 2
        (2025, 0): ([(1.0, m.x[2]), (1.0, m.x[0])], 1.5, None),  # x2 + x0 ≥ 1.5
        (2025, 1): ([(1.0, m.x[2]), (1.0, m.z)], -1.0, 5.0),  # −1 ≤ x2 + z ≤ 5
        (2026, 0): ([(0.5, m.y)], None, 1.0),  # 0.5·y ≤ 1: no variable left, holds → dropped
    }
    keys = list(rows)
    if matrix:
        at = [i for i, k in enumerate(keys) for _ in rows[k][0]]
        variables = np.empty(len(at), dtype=object)
        variables[:] = [v for k in keys for _, v in rows[k][0]]
        coefs = [c for k in keys for c, _ in rows[k][0]]
        terms = LinearTerms.of(at, variables, coefs, len(keys))
        lower = [-np.inf if rows[k][1] is None else rows[k][1] for k in keys]
        upper = [np.inf if rows[k][2] is None else rows[k][2] for k in keys]
        m.limits = matrix_rows(keys, terms, lower, upper)
    else:
        m.limits = pyo.Constraint(keys, rule=lambda mm, y, s: (rows[y, s][1], sum(c * v for c, v in rows[y, s][0]), rows[y, s][2]))
    return m


def test_matrix_family_compiles_to_the_expression_lp():
    by_matrix = _lp_by_name(_hand_model(matrix=True))
    by_expression = _lp_by_name(_hand_model(matrix=False))
    assert by_matrix == by_expression
    rows, columns, _ = by_matrix
    # y fixed at 2 moved to the right-hand side: x1 ≤ 2; the range row is two rows; the empty row is dropped
    assert rows[("limits[2024,1]", 1)] == ({"x[1]": 1.0}, -np.inf, 2.0)
    assert rows[("limits[2025,1]", 1)][2] == 5.0 and rows[("limits[2025,1]", -1)][1] == -1.0
    assert not any(name.startswith("limits[2026") for name, _ in rows)
    assert columns["z"] == (0.0, -1.0, 4.0)  # only in a matrix row: a column of its own with its bounds


def test_matrix_family_keys_names_and_hand_duals():
    m = _hand_model(matrix=True)
    fam = m.limits
    assert isinstance(fam, MatrixRows)
    assert fam[2025, 0].name == "limits[2025,0]" and fam[2025, 0].index() == (2025, 0)
    assert list(fam.keys()) == [(2024, 0), (2024, 1), (2025, 0), (2025, 1), (2026, 0)]
    assert (2024, 1) in fam and fam.row_of((2025, 1)) == 3
    # each row's bounds as Pyomo reads them (the rows' constants are 0): the equality, ≤, ≥ and the range
    bounds = {k: (fam[k].lower, fam[k].upper, fam[k].equality) for k in fam}
    assert bounds[(2024, 0)] == (3.0, 3.0, True) and bounds[(2024, 1)] == (None, 0.0, False)
    assert bounds[(2025, 0)] == (1.5, None, False) and bounds[(2025, 1)] == (-1.0, 5.0, False)
    compiled = compile_lp(m)
    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.passModel(compiled.lp)
    h.run()
    # by hand: minimise x0 + 2·x1 + 3·x2 with x0 + x1 = 3, x1 ≤ 2, x0 + x2 ≥ 1.5: x0 (cost 1) carries the
    # equality alone, x0 = 3 ≥ 1.5, so x1 = x2 = 0 and the cost is 3. Duals (d cost / d rhs): 1 for the
    # equality (one more unit of x0), 0 for the slack rows.
    assert h.getInfo().objective_function_value == pytest.approx(3.0)
    duals = {con.index(): d for (con, _), d in zip(compiled.repn.rows, h.getSolution().row_dual, strict=True)}
    assert duals[(2024, 0)] == pytest.approx(1.0)
    assert duals[(2024, 1)] == pytest.approx(0.0) and duals[(2025, 0)] == pytest.approx(0.0)


def test_var_grid_is_in_index_order():
    m = pyo.ConcreteModel()
    m.v = pyo.Var([2024, 2025], range(3), ["a", "b"])
    grid = var_grid(m.v, 2, 3, 2)
    assert grid[1, 2, 0] is m.v[2025, 2, "a"] and grid[0, 1, 1] is m.v[2024, 1, "b"]
    assert var_grid(m.v, 6, 2)[5, 1] is m.v[2025, 2, "b"]  # the kept grid, another shape
    m.u = pyo.Var([2024, 2025])  # one index set: its keys are years, not 1-tuples
    assert var_grid(m.u, 2)[1] is m.u[2025]
    m.w = pyo.Var([2024, 2025], range(3))
    with pytest.raises(ValueError, match=r"^w: 6 entries, expected \(2, 2\)$"):
        var_grid(m.w, 2, 2)


def _expression_families(m, storage):
    """The hourly families written as Pyomo expressions from their docstring equations, in place of the matrix blocks."""
    p = m.power
    st = m.time
    nxt = [int(v) for v in st.next_slice]
    years = list(m.Y)
    storage = storage.set_index("technology")
    eta_c = {r: float(storage.at[r, "charge_efficiency"]) for r in p.R}
    inv_d = {r: 1.0 / float(storage.at[r, "discharge_efficiency"]) for r in p.R}
    cf = np.asarray(p.pv_cf_values)
    fixed = np.asarray(p.fixed_alive_values) @ np.asarray(p.fixed_output_values).T
    row = {y: j for j, y in enumerate(years)}
    demand = [getattr(m, n) for n in m.sector_names if n != "power"]
    for c in [p.charge_within_power, p.discharge_within_power, p.soc_within_energy, p.storage_state_of_charge]:
        c.deactivate()
    for c in [p.import_within_capacity, p.curtailment_within_renewables, m.balance_electricity]:
        c.deactivate()
    p.x_charge_within_power = pyo.Constraint(m.Y, m.S, p.R, rule=lambda b, y, s, r: b.charge[y, s, r] <= b.storage_power[y, r])
    p.x_discharge_within_power = pyo.Constraint(m.Y, m.S, p.R, rule=lambda b, y, s, r: b.discharge[y, s, r] <= b.storage_power[y, r])
    p.x_soc_within_energy = pyo.Constraint(m.Y, m.S, p.R, rule=lambda b, y, s, r: b.state_of_charge[y, s, r] <= b.storage_energy[y, r])
    p.x_storage_state_of_charge = pyo.Constraint(
        m.Y,
        m.S,
        p.R,
        rule=lambda b, y, s, r: (
            b.state_of_charge[y, nxt[s], r] == b.state_of_charge[y, s, r] + eta_c[r] * b.charge[y, s, r] - inv_d[r] * b.discharge[y, s, r]
        ),
    )
    p.x_import_within_capacity = pyo.Constraint(
        m.Y,
        m.S,
        p.IC,
        rule=lambda b, y, s, i: b.imported[y, s, i] <= float(b.import_availability[i][s]) * b.import_capacity[y, i],
    )

    def available(b, y, s):
        return sum(float(cf[s, j]) * b.pv_capacity[y, k] for j, k in enumerate(b.K) if cf[s, j] != 0.0) + float(fixed[row[y], s])

    p.x_curtailment_within_renewables = pyo.Constraint(m.Y, m.S, rule=lambda b, y, s: b.curtailment[y, s] <= available(b, y, s))

    def balance(mm, y, s):
        supply = (
            available(p, y, s)
            - p.curtailment[y, s]
            + sum(p.generation[y, s, g] for g in p.G)
            + sum(p.imported[y, s, i] for i in p.I)
            + sum(p.discharge[y, s, r] - p.charge[y, s, r] for r in p.R)
        )
        load = sum(
            sum(float(b.load_shapes[c][s]) * b.load_energy[y, c] for yy, c in b.load_energy if yy == y and b.load_shapes[c][s] != 0.0)
            + float(b.load_fixed_gw[row[y], s])
            for b in demand
        )
        return supply == load

    m.x_balance_electricity = pyo.Constraint(m.Y, m.S, rule=balance)


def test_reference_hourly_families_equal_expression_rows():
    prepared = pipeline.prepare(SCENARIOS / "reference.yaml", {"time": {"days": 2}})
    by_matrix = _lp_by_name(pipeline.build(prepared))
    m = pipeline.build(prepared)
    _expression_families(m, prepared.inputs.tables["storage"])
    by_expression = _lp_by_name(m, rename={"x_": ""})
    rows_m, cols_m, off_m = by_matrix
    rows_e, cols_e, off_e = by_expression
    assert set(rows_m) == set(rows_e)
    assert cols_m == cols_e and off_m == off_e
    families = {name.split("[")[0] for name, _ in rows_m}
    assert {"power.storage_state_of_charge", "power.curtailment_within_renewables", "balance_electricity"} <= families
    different = [k for k in rows_m if rows_m[k] != rows_e[k]]
    assert different == []


def test_load_and_supply_views_evaluate_rows_by_hand():
    """A LinearView row: 2·a + 3·b + 1 at a = 4, b = 5 is 24; the second row −b + 0.5 is −4.5."""
    m = pyo.ConcreteModel()
    m.v = pyo.Var(["a", "b"], initialize={"a": 4.0, "b": 5.0})
    variables = np.empty(3, dtype=object)
    variables[:] = [m.v["a"], m.v["b"], m.v["b"]]
    terms = LinearTerms.of([0, 0, 1], variables, [2.0, 3.0, -1.0], 2)
    terms.constant = np.array([1.0, 0.5])
    view = LinearView([(2024, 0), (2024, 1)], terms)
    assert pyo.value(view[2024, 0]) == 24.0 and pyo.value(view[2024, 1]) == -4.5
    assert view.values_array().tolist() == [24.0, -4.5]


def _vars(*items):
    """An object array of Pyomo variables (numpy would otherwise try to unpack them)."""
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def test_columns_numbered_by_first_appearance():
    """Variables [b, a, b, c]: distinct ones in order of appearance b, a, c (first at 0, 1, 3), entries numbered 0 1 0 2;
    reversed [c, a, b]: c, a, b at 0, 1, 2 — one of the two orders is not the order of memory addresses."""
    from simulator.model.matrix import _first_appearance

    m = pyo.ConcreteModel()
    m.v = pyo.Var(["a", "b", "c"])
    a, b, c = m.v["a"], m.v["b"], m.v["c"]
    first, index = _first_appearance(_vars(b, a, b, c))
    assert first.tolist() == [0, 1, 3] and index.tolist() == [0, 1, 0, 2]
    first, index = _first_appearance(_vars(c, a, b))
    assert first.tolist() == [0, 1, 2] and index.tolist() == [0, 1, 2]


def test_csr_sums_duplicates_and_drops_cancelled_terms():
    """Row 0: x + 2·y − x = 2·y (x cancels, no stored zero); row 1: 0·x + 3·y = 3·y (the zero term dropped first).
    Columns by first appearance: x (0), y (1); CSR data [2, 3], column indices [1, 1], row starts [0, 1, 2]."""
    m = pyo.ConcreteModel()
    m.x, m.y = pyo.Var(), pyo.Var()
    terms = LinearTerms.of([0, 0, 0, 1, 1], _vars(m.x, m.y, m.x, m.x, m.y), [1.0, 2.0, -1.0, 0.0, 3.0], 2)
    data, indices, indptr, x = terms.csr()
    assert data.tolist() == [2.0, 3.0] and indices.tolist() == [1, 1] and indptr.tolist() == [0, 1, 2]
    assert len(x) == 2 and x[0] is m.x and x[1] is m.y
    # the same rows as a family: row 0 reads 2·y, so 2·y ≤ 4 at y = 1.5 holds with 1 to spare
    m.rows = matrix_rows([("r", 0), ("r", 1)], terms, upper=[4.0, 6.0])
    m.y.set_value(1.5)
    assert pyo.value(m.rows.row_expression(("r", 0))) == 3.0 and pyo.value(m.rows.row_expression(("r", 1))) == 4.5
    assert [k for k, _ in m.rows.items()] == [("r", 0), ("r", 1)] and [c.index() for c in m.rows.values()] == [("r", 0), ("r", 1)]


def test_view_counts_an_unset_variable_as_zero():
    """2·a + 5·c + 1 at a = 4, c unset: 9 (c counts 0); the view's keys, length and membership are its rows'.
    Terms added to no terms (``LinearTerms.empty``, as a sector's load starts) keep integer row positions."""
    m = pyo.ConcreteModel()
    m.v = pyo.Var(["a", "c"], initialize={"a": 4.0})
    terms = LinearTerms.of([0, 0], _vars(m.v["a"], m.v["c"]), [2.0, 5.0], 1)
    terms.constant = np.array([1.0])
    view = LinearView([(2024, 0)], terms)
    assert view.values_array().tolist() == [9.0]
    # a sector's load starts from no terms: empty + 3·a in row 1 reads 0 and 12
    both = LinearView([(2024, 0), (2024, 1)], LinearTerms.empty(2) + LinearTerms.of([1], _vars(m.v["a"]), 3.0, 2))
    assert both.values_array().tolist() == [0.0, 12.0] and pyo.value(both[2024, 1]) == 12.0
    # terms in the first row only: 3·a + 1·c + 0·a, 12 at a = 4, c = 0; the second row is 0 (its constant)
    first = LinearView([0, 1], LinearTerms.of([0, 0, 0], _vars(m.v["a"], m.v["c"], m.v["a"]), [3.0, 1.0, 0.0], 2))
    assert first.values_array().tolist() == [12.0, 0.0]
    m.v["c"].set_value(2.0)  # the row as an expression: 3·a + c (the zero term dropped), 14 at c = 2
    assert pyo.value(first[0]) == 14.0 and list(first[0].linear_coefs) == [3.0, 1.0] and pyo.value(first[1]) == 0.0
    m.v["c"].set_value(None)
    assert len(view) == 1 and (2024, 0) in view and (2024, 1) not in view and list(view.keys()) == [(2024, 0)] == list(view)


def _fixed_only_model(upper: float):
    """x ≥ 0 with cost 1; a family: row 0: 0.5·y = 1 (y fixed at 2: 1 = 1 holds), row 1: x + 0.5·y ≤ upper."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(bounds=(0, None))
    m.y = pyo.Var(initialize=2.0)
    m.y.fix()
    m.cost = pyo.Objective(expr=m.x)
    m.other = pyo.Constraint(expr=m.x >= 0.25)
    terms = LinearTerms.of([0, 1, 1], _vars(m.y, m.x, m.y), [0.5, 1.0, 0.5], 2)
    m.limits = matrix_rows([0, 1], terms, lower=[1.0, -np.inf], upper=[1.0, upper], doc="y's and x's limits")
    return m


def test_a_row_left_without_variables_is_dropped_if_it_holds_and_refused_if_not():
    """Row 0: 0.5·2 = 1 holds: dropped (bounds 0 ≤ 0 after moving y); row 1: x + 1 ≤ 3 → x ≤ 2 is kept: one appended row.
    With y's row at 0.5·2 ≤ 0.9 instead the LP is refused, naming the row."""
    from pyomo.common.errors import InfeasibleConstraintException

    compiled = compile_lp(_fixed_only_model(3.0))
    names = [con.name for con, _ in compiled.repn.rows]
    assert names == ["other", "limits[1]"] and _fixed_only_model(3.0).limits.doc == "y's and x's limits"
    assert compiled.lp.row_upper_[1] == 2.0 and compiled.lp.row_lower_[0] == 0.25
    m = _fixed_only_model(3.0)
    m.bad = matrix_rows(["b"], LinearTerms.of([0], _vars(m.y), [0.5], 1), upper=0.9)
    with pytest.raises(InfeasibleConstraintException, match=r"'bad\[b\]'"):
        compile_lp(m)
    m = _fixed_only_model(3.0)  # 0.5·2 ≥ 1.5: 1 ≥ 1.5 fails by 0.5 (below 1 but above 0)
    m.bad = matrix_rows(["b"], LinearTerms.of([0], _vars(m.y), [0.5], 1), lower=1.5)
    with pytest.raises(InfeasibleConstraintException, match=r"'bad\[b\]'"):
        compile_lp(m)


def test_the_lp_keeps_the_objective_constant_and_a_model_without_objective_costs_nothing():
    """min x + 7.5 with x ≥ 0.25 (and the family's x + 0.5·2 ≤ 3): the LP holds cost [1] and offset 7.5, and HiGHS
    reports 0.25 + 7.5 = 7.75. With the objective deactivated (a feasibility model): cost [0] for the one column,
    offset 0."""
    m = _fixed_only_model(3.0)
    m.del_component(m.cost)
    m.cost = pyo.Objective(expr=m.x + 7.5)
    lp = compile_lp(m).lp
    assert list(lp.col_cost_) == [1.0] and lp.offset_ == 7.5
    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    h.run()
    assert h.getInfo().objective_function_value == pytest.approx(7.75)
    m.cost.deactivate()
    lp = compile_lp(m).lp
    assert list(lp.col_cost_) == [0.0] and lp.offset_ == 0.0


def test_an_inactive_matrix_family_stays_out_of_the_lp():
    """The model above with its family ``limits`` deactivated: the LP has the one row ``other`` (x ≥ 0.25), and
    ``limits`` is still inactive after compiling (the compiler deactivates only the active families for Pyomo's
    pass and re-activates those)."""
    m = _fixed_only_model(3.0)
    m.limits.deactivate()
    compiled = compile_lp(m)
    assert [con.name for con, _ in compiled.repn.rows] == ["other"] and compiled.lp.num_row_ == 1
    assert not m.limits.active


def test_a_range_row_is_the_upper_row_then_the_lower_row_and_a_free_row_is_dropped():
    """The hand model's range −1 ≤ x2 + z ≤ 5 is two LP rows, ≤ 5 (sense 1) then ≥ −1 (sense −1), as Pyomo's
    compiler writes the same row as an expression. A family with a free row (x + z, no bounds) and 2·x ≤ 4 adds
    one LP row (x ≤ 2 as 2·x ≤ 4) after the model's two: rows other (x ≥ 0.25), limits[1] (x ≤ 2), free[g]."""
    for matrix in (True, False):
        senses = [(con.name, sense) for con, sense in compile_lp(_hand_model(matrix)).repn.rows]
        assert senses[-2:] == [("limits[2025,1]", 1), ("limits[2025,1]", -1)]
    m = _fixed_only_model(3.0)
    m.z = pyo.Var(bounds=(0, 1))
    terms = LinearTerms.of([0, 0, 1], _vars(m.x, m.z, m.x), [1.0, 1.0, 2.0], 2)
    m.free = matrix_rows(["f", "g"], terms, lower=[-np.inf, -np.inf], upper=[np.inf, 4.0])
    compiled = compile_lp(m)
    assert [(con.name, sense) for con, sense in compiled.repn.rows] == [("other", -1), ("limits[1]", 1), ("free[g]", 1)]
    assert compiled.repn.A.toarray()[2].tolist() == [2.0, 0.0] and compiled.lp.row_upper_[2] == 4.0


def test_id_index_gives_each_variables_position_or_minus_one():
    """Three variables; the index holds the one with the smallest id at position 0: the others (larger ids, past the
    end of the sorted ids) are −1. An empty index gives −1 for all three."""
    m = pyo.ConcreteModel()
    m.v = pyo.Var(range(3))
    variables = list(m.v.values())
    first = min(variables, key=id)
    expected = [0 if v is first else -1 for v in variables]
    assert _IdIndex([first]).find(variables).tolist() == expected
    assert _IdIndex([]).find(variables).tolist() == [-1, -1, -1]

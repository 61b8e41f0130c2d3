"""Representative days: weights and periods when the peak day is extreme."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.model.timeslices import HOURS_PER_YEAR, representative_days, ward_groups, year_duration_blocks


def _hourly_with_one_extreme_day(peak_day: int = 200) -> pd.DataFrame:
    """365 days of a smooth seasonal load and a PV shape; day ``peak_day`` has five times the load."""
    hour = np.arange(HOURS_PER_YEAR)
    day, hod = hour // 24, hour % 24
    season = 1.0 + 0.3 * np.cos(2 * np.pi * day / 365)
    load = season * (1.0 + 0.2 * np.sin(2 * np.pi * (hod - 6) / 24))
    load[day == peak_day] *= 5.0
    pv = np.clip(np.sin(np.pi * (hod - 6) / 12), 0, None) * (1.1 - 0.3 * np.cos(2 * np.pi * day / 365)) * 0.8
    return pd.DataFrame({"hour": hour, "day_of_year": day + 1, "hour_of_day": hod, "load_city": load, "cf_pv": np.clip(pv, 0, 1)})


def test_extreme_peak_day_gets_weight_one_and_periods_are_as_asked():
    hourly = _hourly_with_one_extreme_day(200)
    for days in (3, 4, 8):
        ts = representative_days(hourly, days)
        assert len(ts.period_days) == days  # as many periods as asked
        assert ts.weight.sum() == HOURS_PER_YEAR  # the year is 365 days, not 366
        assert ts.period_days.sum() == 365
        peak = np.flatnonzero(ts.day_of_year[::24] == 201)
        assert len(peak) == 1 and ts.period_days[peak[0]] == 1.0  # the peak day is its own period of one day
        # annual energy of the load shape is preserved by the rescaling
        assert np.isclose(np.dot(ts.weight, ts.profiles["load_city"]), hourly["load_city"].sum(), rtol=1e-12)


def _hourly_with_a_scrambled_profile() -> pd.DataFrame:
    """The extreme-day year plus ``cf_scrambled``: hour t holds (7919·t mod 8760) / 8760.

    7919 is prime and does not divide 8760 = 2³·3·5·73, so t ↦ 7919·t mod 8760 is a
    permutation of 0..8759: the year's sorted values are k / 8760 (k = 0..8759), by hand
    sum = 8759 / 2 = 4379.5, max = 8759 / 8760, min = 0.
    """
    hourly = _hourly_with_one_extreme_day(200)
    hourly["cf_scrambled"] = (np.arange(HOURS_PER_YEAR) * 7919 % HOURS_PER_YEAR) / HOURS_PER_YEAR
    return hourly


def _representative_year(ts, column: str) -> np.ndarray:
    """The representative year's values of ``column``: each slice repeated weight (whole hours) times, sorted."""
    assert np.allclose(ts.weight, np.round(ts.weight))
    return np.sort(np.repeat(ts.profiles[column].to_numpy(), ts.weight.astype(int)))


def test_distribution_keeps_the_years_duration_curve():
    """distribution: the year's sorted values are cut into blocks of n_g consecutive values (a group of n_g days, one
    hour of its day) and each block is represented by its mean, so the representative year's sorted values differ from
    k / 8760 by at most half a block's spread, (n_g − 1) / 2 / 8760, with n_g the largest group; sum kept exactly."""
    hourly = _hourly_with_a_scrambled_profile()
    ts = representative_days(hourly, 8, representation="distribution")
    assert len(ts.period_days) == 8 and ts.weight.sum() == HOURS_PER_YEAR
    year = _representative_year(ts, "cf_scrambled")
    by_hand = np.arange(HOURS_PER_YEAR) / HOURS_PER_YEAR
    assert np.isclose(year.sum(), 4379.5, rtol=1e-12)
    bound = (ts.period_days.max() - 1) / 2 / HOURS_PER_YEAR
    assert np.abs(year - by_hand).max() <= bound + 1e-12
    # the medoid days keep only the sum (rescaled): their duration curve is off by far more than the bound
    medoid = _representative_year(representative_days(hourly, 8), "cf_scrambled")
    assert np.isclose(medoid.sum(), 4379.5, rtol=1e-12)
    assert np.abs(medoid - by_hand).max() > 3 * bound
    # PV is zero at the hours it is zero on every day (before 6 h and after 18 h): the duration-curve blocks of
    # those hours are the year's zeros
    night = np.isin(ts.hour_of_day, [0, 1, 2, 3, 4, 5, 18, 19, 20, 21, 22, 23])
    assert np.abs(ts.profiles["cf_pv"].to_numpy()[night]).max() < 1e-12
    # the peak day keeps weight one and its load block is the top of the year's load curve
    peak = np.flatnonzero(ts.day_of_year[::24] == 201)
    assert len(peak) == 1 and ts.period_days[peak[0]] == 1.0
    assert np.isclose(ts.profiles["load_city"].max(), hourly["load_city"].max(), rtol=1e-12)


def test_distribution_minmax_keeps_max_min_and_sum():
    hourly = _hourly_with_a_scrambled_profile()
    ts = representative_days(hourly, 8, representation="distribution_minmax")
    values = ts.profiles["cf_scrambled"].to_numpy()
    assert values.max() == pytest.approx(8759 / 8760, rel=1e-12)
    assert values.min() == pytest.approx(0.0, abs=1e-12)
    assert np.dot(ts.weight, values) == pytest.approx(4379.5, rel=1e-12)


@pytest.mark.parametrize("representation", ["mean", "duration"])
def test_group_representations_keep_annual_sums_and_one_label_per_period(representation):
    """mean and duration (each group's own curve) keep every profile's weighted annual sum (mean of the members,
    or of the members' sorted values in blocks); each period is labelled with a distinct calendar day."""
    hourly = _hourly_with_a_scrambled_profile()
    ts = representative_days(hourly, 6, representation=representation)
    for column in ("cf_scrambled", "load_city", "cf_pv"):
        assert np.dot(ts.weight, ts.profiles[column]) == pytest.approx(hourly[column].sum(), rel=1e-12)
    labels = ts.day_of_year[::24]
    assert len(set(labels)) == len(labels) == 6


def test_unknown_representation_is_refused():
    with pytest.raises(ValueError, match="expected one of medoid, mean"):
        representative_days(_hourly_with_one_extreme_day(), 4, representation="medians")


def test_lowest_pv_day_is_kept_as_its_own_period():
    """Day 100 (0-based) has a tenth of its PV, so it is the year's lowest-PV day; with the peak-load day 200 both keep
    weight one day and the other 363 days fill the remaining periods."""
    hourly = _hourly_with_one_extreme_day(200)
    hourly.loc[hourly["day_of_year"] == 101, "cf_pv"] *= 0.1
    for days in (4, 8):
        ts = representative_days(hourly, days, extreme_days=["peak_load", "lowest_pv"])
        assert len(ts.period_days) == days and ts.period_days.sum() == 365
        labels = list(ts.day_of_year[::24])
        assert ts.period_days[labels.index(101)] == 1.0 and ts.period_days[labels.index(201)] == 1.0
        # the lowest-PV day keeps its own PV (rescaling to the annual sum moves every PV value by one factor)
        lowest = ts.profiles["cf_pv"].to_numpy()[ts.day_of_year == 101]
        ratio = lowest.max() / hourly.loc[hourly["day_of_year"] == 101, "cf_pv"].max()
        assert np.allclose(lowest, ratio * hourly.loc[hourly["day_of_year"] == 101, "cf_pv"].to_numpy(), rtol=1e-12, atol=1e-15)


def _partition(labels) -> set[frozenset[int]]:
    return {frozenset(np.flatnonzero(labels == k).tolist()) for k in np.unique(labels)}


def test_ward_groups_by_hand():
    """Points 0, 1, 10, 11, 30 on a line. Ward's squared distance between groups A and B is
    2·n_A·n_B/(n_A+n_B)·|c_A − c_B|² (singletons: |a − b|²): {0}+{1} and {10}+{11} cost 1 each;
    then {0,1}–{10,11}: 2·2·2/4·10² = 200, {10,11}–{30}: 2·2·1/3·19.5² = 507, {0,1}–{30}:
    2·2·1/3·29.5² = 1,160.3. So three groups are {0,1} {10,11} {30} and two are {0,1,10,11} {30}."""
    points = np.array([[0.0], [1.0], [10.0], [11.0], [30.0]])
    assert _partition(ward_groups(points, 3)) == {frozenset({0, 1}), frozenset({2, 3}), frozenset({4})}
    assert _partition(ward_groups(points, 2)) == {frozenset({0, 1, 2, 3}), frozenset({4})}
    assert ward_groups(points, 5).tolist() == [0, 1, 2, 3, 4]
    assert ward_groups(points, 1).tolist() == [0, 0, 0, 0, 0]


def test_year_duration_blocks_by_hand():
    """One profile, days of 2 hours: day 0 = (0, 6), day 1 = (5, 1), day 2 = (3, 2); groups {0, 1} and {2}.
    Group means: g0 (2.5, 3.5), g1 (3, 2); ranked: g1h1 2 < g0h0 2.5 < g1h0 3 < g0h1 3.5, of weights
    1, 2, 1, 2 days. The year's sorted values 0 1 2 3 5 6 cut into those blocks: [0] [1 2] [3] [5 6],
    so g0 = (1.5, 5.5) and g1 = (3, 0); weighted sum 2·7 + 3 = 17 = the year's."""
    candidates = np.array([[0.0, 6.0], [5.0, 1.0], [3.0, 2.0]])
    centers = year_duration_blocks(candidates, np.array([0, 0, 1]), hours=2)
    assert centers.tolist() == [[1.5, 5.5], [3.0, 0.0]]


def _wuhan_days() -> pd.DataFrame:
    from simulator.intake.inputs import load_inputs
    from simulator.model.timeslices import profile_columns

    root = Path(__file__).resolve().parents[1] / "inputs" / "wuhan"
    hourly = load_inputs(root).table("profiles_hourly", ["hour", "hour_of_day", "day_of_year"])
    frame = hourly[profile_columns(hourly)].copy()
    frame.index = pd.date_range("2023-01-01", periods=len(frame), freq="h")
    return frame


@pytest.mark.parametrize("days", [6, 12, 36, 48])
def test_ward_groups_and_distribution_are_tsams_on_wuhans_days(days):
    """The clustering done here (without scikit-learn) numbers Wuhan's 365 days exactly as tsam's
    hierarchical method (scikit-learn's AgglomerativeClustering on SciPy's Ward tree) does, and the
    year's duration curve cut into the groups is bit for bit tsam's ``distributionRepresentation``."""
    tsam = pytest.importorskip("tsam.timeseriesaggregation")
    from tsam.utils.durationRepresentation import durationRepresentation

    from simulator.model.timeslices import daily_candidates

    frame = _wuhan_days()
    agg = tsam.TimeSeriesAggregation(
        frame.copy(), noTypicalPeriods=days, hoursPerPeriod=24, clusterMethod="hierarchical", rescaleClusterPeriods=False
    )
    agg.createTypicalPeriods()
    theirs = np.asarray(agg.clusterOrder)
    ours = ward_groups(daily_candidates(frame), days)
    assert ours.tolist() == theirs.tolist()
    values = frame.to_numpy(dtype=float)
    candidates = values.reshape(365, 24, -1).transpose(0, 2, 1).reshape(365, -1)
    expected = np.asarray(durationRepresentation(candidates, theirs, False, 24), dtype=float)
    assert np.array_equal(year_duration_blocks(candidates, ours), expected)

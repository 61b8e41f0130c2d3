"""Time slices inside a planning year: representative days or the 8,760 h chronology.

A slice ``s`` stands for ``weight[s]`` hours of the year (Σ weight = 8760).
Slices are grouped into cyclic *periods*: each representative day is one
period of 24 slices (storage is cyclic within it); the full chronology is one
period of 8,760 slices. ``next_slice[s]`` is the slice after ``s`` in its
period, wrapping around.

Representative days are chosen by clustering the 365 daily profiles
(``time.method``: Ward's hierarchical clustering by default, done here with the
partition tsam's gives; tsam's other methods otherwise; on all profile columns), each group represented as ``time.representation`` says (medoid days
by default; the group mean, its own duration curve, or the year's duration
curve cut into the groups: ``REPRESENTATIONS``), with the extreme days of
``time.extreme_days`` (the day of peak city load by default) kept as periods
of weight one day. Profiles on the chosen days are rescaled so that their
weighted annual sums equal the 8,760-hour sums (annual energy of each load
shape and full-load hours of each PV class are preserved).

Storage is cyclic within each representative day: a day's charge equals its
discharge plus losses, so representative days cannot carry energy from one
day to another (a sunny day's surplus to the next cloudy day). Only the
8,760-hour chronology (one cyclic period of a year) can.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

HOURS_PER_YEAR = 8760


@dataclass(frozen=True)
class TimeSlices:
    """Slices with their weights (h/yr), periods and profile values."""

    weight: np.ndarray  # hours per year each slice stands for
    period: np.ndarray  # period index of each slice
    next_slice: np.ndarray  # next slice within the cyclic period
    hour_of_day: np.ndarray
    day_of_year: np.ndarray  # the calendar day a slice's period was taken from (1..365)
    period_days: np.ndarray  # days of the year each period stands for
    profiles: pd.DataFrame  # one row per slice, one column per profile
    label: str

    @property
    def n(self) -> int:
        return len(self.weight)

    def shape(self, column: str) -> np.ndarray:
        """Load shape of ``column`` in 1/h, scaled so that Σ_s weight_s · shape_s = 1.

        A sector using E TWh a year with this shape draws E · 1000 · shape_s GW in s.
        """
        values = self.profiles[column].to_numpy(dtype=float)
        total = float(np.dot(self.weight, values))
        if total <= 0:
            raise ValueError(f"profile {column} sums to zero")
        return values / total

    def factor(self, column: str) -> np.ndarray:
        """Capacity factor or availability profile (0..1) on the slices."""
        return self.profiles[column].to_numpy(dtype=float)


def profile_columns(hourly: pd.DataFrame) -> list[str]:
    skip = {"hour", "month", "day_of_year", "hour_of_day", "source"}
    return [c for c in hourly.columns if c not in skip and pd.api.types.is_numeric_dtype(hourly[c])]


def full_year(hourly: pd.DataFrame) -> TimeSlices:
    """The 8,760-hour chronology: one cyclic period, weight 1 h per slice."""
    cols = profile_columns(hourly)
    n = len(hourly)
    return TimeSlices(
        weight=np.ones(n),
        period=np.zeros(n, dtype=int),
        next_slice=np.roll(np.arange(n), -1),
        hour_of_day=hourly["hour_of_day"].to_numpy(dtype=int),
        day_of_year=hourly["day_of_year"].to_numpy(dtype=int),
        period_days=np.array([n / 24.0]),
        profiles=hourly[cols].reset_index(drop=True),
        label="8760 hours",
    )


REPRESENTATIONS = {
    # name: (tsam representationMethod, distributionPeriodWise) — None: the medoid day, picked here
    "medoid": None,
    "mean": ("meanRepresentation", True),
    "duration": ("durationRepresentation", True),
    "distribution": ("distributionRepresentation", False),
    "distribution_minmax": ("distributionAndMinMaxRepresentation", False),
}
"""How each group of days is represented (``time.representation``).

``medoid``: the member day closest to all others (a real calendar day).
``mean``: the hour-by-hour mean of the member days.
``duration``: per profile, the group's own duration curve — the group's
member-hours sorted and averaged in 24 blocks of n_members values, placed on
the hours in the order of the group's mean profile (tsam
``durationRepresentation``, period-wise).
``distribution``: the whole year's duration curve of each profile is cut
into blocks of the groups' weights (n_members × 24 hours … in the order of
the groups' mean values) and each block's mean goes to its group and hour
(tsam ``distributionRepresentation`` with ``distributionPeriodWise=False``):
the representative year's sorted values equal the year's block means.
``distribution_minmax``: ``distribution`` with the year's minimum and maximum
of each profile kept, the other values corrected so the sum stays
(tsam ``distributionAndMinMaxRepresentation``).
"""


EXTREME_DAYS = ("peak_load", "lowest_pv", "highest_pv")
"""Days that can be kept as periods of their own (``time.extreme_days``): the day of the
year's highest hourly city load, and the days of the lowest and highest daily PV yield
(sum of the PV capacity-factor columns)."""


def extreme_day_index(hourly: pd.DataFrame, kinds: tuple[str, ...] | list[str]) -> list[int]:
    """Calendar days (0-based) of the requested extreme kinds, in the order asked, without repeats."""
    cols = profile_columns(hourly)
    pv = [c for c in cols if c.startswith("cf_pv")]
    daily_pv = hourly[pv].to_numpy(dtype=float).sum(axis=1).reshape(365, 24).sum(axis=1) if pv else None
    out: list[int] = []
    for kind in kinds:
        if kind not in EXTREME_DAYS:
            raise ValueError(f"unknown extreme day {kind!r}; expected one of {', '.join(EXTREME_DAYS)}")
        if kind == "peak_load" and "load_city" in cols:
            day = int(hourly["load_city"].to_numpy().argmax() // 24)
        elif kind in ("lowest_pv", "highest_pv") and daily_pv is not None:
            day = int(daily_pv.argmin() if kind == "lowest_pv" else daily_pv.argmax())
        else:
            continue  # the profile it is read from is not there
        if day not in out:
            out.append(day)
    return out


def representative_days(
    hourly: pd.DataFrame,
    days: int,
    method: str = "hierarchical",
    representation: str = "medoid",
    extreme_days: tuple[str, ...] | list[str] = ("peak_load",),
) -> TimeSlices:
    """Cluster the 365 days into ``days`` representative days.

    The clustering (:func:`_cluster_order`) groups the daily profiles (all profile columns, normalised) into
    ``days − e`` groups, e the number of extreme days; each group is represented
    as ``representation`` says (see ``REPRESENTATIONS``; default its medoid, the
    member day closest to all others in the same normalised space) weighted by
    its number of days. Each extreme day (``EXTREME_DAYS``; by default the day of
    peak city load) is added as its own period of weight 1 (taken out of its
    group's weight), so e.g. peak capacity is always seen.
    If clustering already left m extreme days alone in their groups, the days are
    clustered again into ``days − e + m`` groups, so each extreme day keeps weight 1
    and the number of periods is still ``days`` (Σ weights = 8,760 h).
    A synthetic period (every representation but ``medoid``) is labelled with
    its group's medoid day in ``day_of_year``.
    """
    if representation not in REPRESENTATIONS:
        raise ValueError(f"unknown representation {representation!r}; expected one of {', '.join(REPRESENTATIONS)}")
    if days >= 365:
        return _days_as_periods(hourly, np.arange(365), np.ones(365))
    cols = profile_columns(hourly)
    frame = hourly[cols].copy()
    frame.index = pd.date_range("2023-01-01", periods=len(frame), freq="h")
    extremes = np.array(extreme_day_index(hourly, extreme_days)[: days - 1], dtype=int)
    n_clusters = days - len(extremes)
    order = _cluster_order(frame, n_clusters, method)
    alone = sum(int((order == order[d]).sum() == 1) for d in extremes)
    if alone:
        # an extreme day already forms a group of its own, so the other days fill only
        # n_clusters − alone groups: cluster again into n_clusters + alone groups
        order = _cluster_order(frame, n_clusters + alone, method)
    is_extreme = np.isin(np.arange(365), extremes)
    order = np.where(is_extreme, order.max() + 1 + np.searchsorted(np.sort(extremes), np.arange(365)), order)
    groups = np.unique(order)  # ascending, the order tsam's representations return the groups in
    scale = frame.max().replace(0, 1.0).to_numpy()
    daily = (frame.to_numpy() / scale).reshape(365, 24 * len(cols))
    medoid = np.empty(len(groups), dtype=int)
    size = np.empty(len(groups))
    for i, k in enumerate(groups):
        members = np.flatnonzero(order == k)
        block = daily[members]
        dist = np.sqrt(((block[:, None, :] - block[None, :, :]) ** 2).sum(axis=2)).sum(axis=1)
        medoid[i], size[i] = members[int(np.argmin(dist))], len(members)
    rank = np.argsort(medoid)
    if REPRESENTATIONS[representation] is None:
        return _days_as_periods(hourly, medoid[rank], size[rank])
    # candidates: one row per day, columns profile-major (profile a, hour h) → a·24 + h, as tsam lays them out
    values = frame.to_numpy(dtype=float)
    candidates = _by_day_profile_hour(values)
    centers = _group_representation(candidates, order, representation)
    centers = np.asarray(centers, dtype=float).reshape(len(groups), len(cols), 24).transpose(0, 2, 1)
    profiles = pd.DataFrame(centers[rank].reshape(-1, len(cols)), columns=cols)
    return _days_as_periods(hourly, medoid[rank], size[rank], profiles=profiles, label=f"{representation} of groups")


def _cluster_order(frame: pd.DataFrame, groups: int, method: str) -> np.ndarray:
    """Group (0..groups−1) of each calendar day, clustered on the normalised daily profiles.

    ``hierarchical`` (the default) is Ward's agglomerative clustering done here
    (:func:`ward_groups`, the partition tsam's hierarchical method gives, without
    importing scikit-learn and SciPy: seconds of a default run); the other
    methods are tsam's.
    """
    if method == "hierarchical":
        return ward_groups(daily_candidates(frame), groups)
    import tsam.timeseriesaggregation as tsam

    agg = tsam.TimeSeriesAggregation(
        frame.copy(),  # tsam sorts the columns of the frame it is given in place
        noTypicalPeriods=groups,
        hoursPerPeriod=24,
        clusterMethod=method,
        representationMethod="medoidRepresentation",
        rescaleClusterPeriods=False,
        solver="highs",
    )
    agg.createTypicalPeriods()
    return np.asarray(agg.clusterOrder)


def daily_candidates(frame: pd.DataFrame) -> np.ndarray:
    """The days as points to cluster, laid out as tsam lays them out: one row per day, columns
    (profile in name order, hour of day), each profile min–max scaled to [0, 1] over the year
    (a constant profile to 0), as scikit-learn's ``MinMaxScaler`` computes it (x·scale + min_)."""
    cols = sorted(frame.columns)
    values = frame[cols].to_numpy(dtype=float)
    low, high = values.min(axis=0), values.max(axis=0)
    span = high - low
    scale = 1.0 / np.where(span == 0.0, 1.0, span)
    scaled = values * scale + (0.0 - low * scale)
    return _by_day_profile_hour(scaled)


def _by_day_profile_hour(values: np.ndarray) -> np.ndarray:
    """Hourly rows × profile columns as one row per day, columns profile-major (profile a, hour h) → a·24 + h."""
    days, profiles = len(values) // 24, values.shape[1]
    return values.reshape(days, 24, profiles).transpose(0, 2, 1).reshape(days, 24 * profiles)


def ward_groups(points: np.ndarray, groups: int) -> np.ndarray:
    """Ward's hierarchical clustering of ``points`` (one row per point) cut into ``groups`` groups.

    Starting from singletons, the two groups whose merger least increases the
    within-group sum of squares are merged, until one remains. With the squared
    Euclidean distance D between groups, merging x and y updates the distance
    to every other group i by Lance–Williams:

        D(x∪y, i) = ((n_x + n_i)·D(x, i) + (n_y + n_i)·D(y, i) − n_i·D(x, y)) / (n_x + n_y + n_i)

    Ward's criterion is monotone, so these merges, in this order, are SciPy's
    ``ward`` tree (node n + k made by the k-th merge, its two children smaller id
    first), which scikit-learn's ``AgglomerativeClustering`` and therefore tsam cut
    into groups; the cut (:func:`_cut_tree`) and the group numbers are theirs too,
    because the ``distribution`` representation breaks ties between equal group means by
    group number (tests compare partition and numbers with tsam's on the Wuhan profiles).
    """
    n = len(points)
    if groups >= n:
        return np.arange(n)
    if groups <= 1:
        return np.zeros(n, dtype=int)
    dist = np.empty((n, n))
    for i in range(n):  # exact squared distances (the Gram-matrix shortcut loses digits on close days)
        dist[i] = ((points - points[i]) ** 2).sum(axis=1)
    np.fill_diagonal(dist, np.inf)
    size = np.ones(n)
    node = np.arange(n)  # tree node of the group held in each row
    children = np.empty((n - 1, 2), dtype=int)
    for k in range(n - 1):
        x, y = divmod(int(np.argmin(dist)), n)
        x, y = min(x, y), max(x, y)
        nx, ny, d_xy = size[x], size[y], dist[x, y]
        i = np.flatnonzero(np.isfinite(dist[x]))  # the other groups still alive
        i = i[i != y]
        merged = ((nx + size[i]) * dist[x, i] + (ny + size[i]) * dist[y, i] - size[i] * d_xy) / (nx + ny + size[i])
        dist[x, i] = merged
        dist[i, x] = merged
        dist[y, :] = np.inf
        dist[:, y] = np.inf
        size[x] += ny
        children[k] = sorted((node[x], node[y]))
        node[x] = n + k
    return _cut_tree(children, groups, n)


def _cut_tree(children: np.ndarray, groups: int, n: int) -> np.ndarray:
    """The ``groups`` groups of a merge tree, numbered as scikit-learn's ``_hc_cut`` numbers them:
    starting from the root, the node with the largest id is replaced by its two children until
    there are ``groups`` nodes, kept in a heap of negated ids; a group's number is its node's
    position in that heap's list."""
    import heapq

    heap = [-(int(max(children[-1])) + 1)]
    for _ in range(groups - 1):
        left, right = children[-heap[0] - n]
        heapq.heappush(heap, -int(left))
        heapq.heappushpop(heap, -int(right))
    label = np.zeros(n, dtype=int)
    for number, top in enumerate(heap):
        stack = [-top]
        while stack:
            member = stack.pop()
            if member < n:
                label[member] = number
            else:
                stack.extend(children[member - n])
    return label


def _group_representation(candidates: np.ndarray, order: np.ndarray, representation: str) -> list:
    """Each group's representative day (rows in ascending group number), as tsam's ``representations``
    computes it: ``mean`` as its ``meanRepresentation`` (the members' mean), the duration-curve ones by
    its ``durationRepresentation`` (imported alone: tsam's ``representations`` module imports scikit-learn)."""
    tsam_method, period_wise = REPRESENTATIONS[representation]
    if tsam_method == "meanRepresentation":
        return [candidates[np.where(order == k)].mean(axis=0) for k in np.unique(order)]
    if representation == "distribution":
        return year_duration_blocks(candidates, order)
    from tsam.utils.durationRepresentation import durationRepresentation

    keep_extremes = tsam_method == "distributionAndMinMaxRepresentation"
    return durationRepresentation(candidates, order, period_wise, 24, representMinMax=keep_extremes)


def year_duration_blocks(candidates: np.ndarray, order: np.ndarray, hours: int = 24) -> np.ndarray:
    """The ``distribution`` representation: for each profile, the year's duration curve cut into blocks.

    For profile a, the (group g, hour h) cells are ranked by the group's mean value at that
    hour; the year's 365·24 values of a, sorted, are cut in that rank order into blocks of
    n_g values (n_g the days in group g), and cell (g, h) gets its block's mean. So the
    representative year (each cell weighted by n_g) has the year's duration curve, block-averaged.
    Computed as tsam's ``durationRepresentation(…, distributionPeriodWise=False)`` computes it
    (same sums and the same quicksort ranking, ties included), with numpy instead of pandas
    indexing (1.7 s → milliseconds). Returns one row per group (ascending group number),
    columns (profile, hour) as ``candidates``.
    """
    groups, members = np.unique(order, return_counts=True)
    n_profiles = candidates.shape[1] // hours
    weights = np.repeat(members, hours)  # the stacked (g, h) cells, row-major
    centers = np.empty((len(groups), candidates.shape[1]))
    for a in range(n_profiles):
        cells = candidates[:, a * hours : (a + 1) * hours]
        # each group's mean per hour, summed along the contiguous axis as pandas' DataFrame.mean does
        means = np.concatenate([cells[order == k].T.copy().sum(axis=1) / n for k, n in zip(groups, members, strict=True)])
        rank = np.argsort(means, kind="quicksort")
        curve = np.sort(cells.ravel())
        ends = np.cumsum(weights[rank])
        block_means = np.array([curve[e - w : e].mean() for e, w in zip(ends, weights[rank], strict=True)])
        values = np.empty(len(means))
        values[rank] = block_means
        centers[:, a * hours : (a + 1) * hours] = values.reshape(len(groups), hours)
    return centers


def _days_as_periods(
    hourly: pd.DataFrame,
    day_index: np.ndarray,
    day_weight: np.ndarray,
    profiles: pd.DataFrame | None = None,
    label: str | None = None,
) -> TimeSlices:
    """Periods of 24 slices: the calendar days ``day_index`` (0-based), or ``profiles`` labelled with them."""
    cols = profile_columns(hourly)
    n_days = len(day_index)
    weight = np.repeat(day_weight, 24)
    if profiles is None:
        rows = (day_index[:, None] * 24 + np.arange(24)[None, :]).ravel()
        profiles = hourly[cols].iloc[rows].reset_index(drop=True)
    full = hourly[cols].sum()
    sampled = profiles.mul(weight, axis=0).sum()
    ratio = (full / sampled.replace(0, np.nan)).fillna(1.0)
    profiles = profiles.mul(ratio, axis=1)
    factor_cols = [c for c in cols if c.startswith(("cf_", "avail_"))]
    profiles[factor_cols] = profiles[factor_cols].clip(upper=1.0)
    period = np.repeat(np.arange(n_days), 24)
    next_slice = (period * 24 + (np.tile(np.arange(24), n_days) + 1) % 24).astype(int)
    return TimeSlices(
        weight=weight,
        period=period,
        next_slice=next_slice,
        hour_of_day=np.tile(np.arange(24), n_days),
        day_of_year=np.repeat(day_index + 1, 24),
        period_days=day_weight.astype(float),
        profiles=profiles,
        label=f"{n_days} representative days" + (f" ({label})" if label else ""),
    )


def make_timeslices(
    hourly: pd.DataFrame,
    days: int,
    hours: int | None,
    method: str,
    representation: str = "medoid",
    extreme_days: tuple[str, ...] | list[str] = ("peak_load",),
) -> TimeSlices:
    if hours == HOURS_PER_YEAR:
        return full_year(hourly)
    return representative_days(hourly, days, method, representation, extreme_days)

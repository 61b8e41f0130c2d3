"""Representative days: weights and periods when the peak day is extreme."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.model.timeslices import HOURS_PER_YEAR, representative_days


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

"""Synthetic typical-year hourly profiles for Wuhan (source id: wuhan-profiles-2023).

Writes inputs/wuhan/profiles_hourly.csv: 8,760 rows for calendar year 2023,
local time UTC+8, hour 0 = 2023-01-01 00:00 (a Sunday). Each row stands for the
hour [t, t+1); solar and weather quantities are evaluated at the mid-point.

Deterministic: one numpy Generator with a fixed seed. The synthetic weather
(cloudiness, air temperature, wind speed) is this script's own; the physics
is the field's libraries: pvlib (solar position, Ineichen-Perez clear sky with
the Linke turbidity climatology shipped with pvlib, Erbs decomposition,
isotropic transposition, ASHRAE incidence-angle modifier, SAPM cell
temperature, PVWatts DC and inverter models) and scipy (normal CDF, Weibull
quantile, Brent's root finder). pvlib is not a runtime dependency of transim;
install the `profiles` extra, then run from the repository root:

    .venv/bin/pip install -e '.[profiles]'
    .venv/bin/python scripts/profiles/make_profiles.py

The method, equations and calibration targets are documented in
scripts/profiles/METHOD.md.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import windpowerlib
from scipy import optimize, stats

SEED = 20230101
OUT = Path("inputs/wuhan/profiles_hourly.csv")
SOURCE_ID = "wuhan-profiles-2023"

# --- site ------------------------------------------------------------------
LAT_DEG = 30.6
LON_DEG = 114.3
ALTITUDE_M = 23.0  # Wuhan city centre, m above sea level
TZ = "Etc/GMT-8"  # UTC+8 without daylight saving (pvlib/pytz sign convention)
ALBEDO = 0.20
WIND_AT_MODULE_M_S = 1.5  # m/s, for the cell temperature model (Wuhan 10 m mean ~1.7-2 m/s; estimate)

# --- calibration targets -----------------------------------------------------
TARGET_PV_UTILITY_FLH = 1000.0  # h/yr, Hubei grid data (hubei-pv-hours)
TARGET_WIND_FLH = 2000.0  # h/yr, Wuhan low-wind onshore (estimate)
TARGET_CITY_LOAD_FACTOR = 0.585  # 81.9 TWh / (8760 h x ~16 GW)

# Monthly mean air temperature, Wuhan (deg C), climate normals (CMA; estimate)
T_MONTHLY = np.array([4.0, 6.3, 11.0, 17.2, 22.3, 26.0, 29.0, 28.6, 24.1, 18.3, 11.9, 6.2])
T_DIURNAL_RANGE = 7.0  # K, peak-to-trough, scaled by sunniness below

# Relative monthly clear-sky index pattern (ratio of all-sky to clear-sky GHI),
# before calibration. Shape: cloudy winter, Meiyu dip Jun-early Jul,
# sunniest Aug-Sep. The calibration shifts all months together (logit space).
KC_MONTHLY = np.array([0.42, 0.43, 0.46, 0.52, 0.55, 0.48, 0.58, 0.66, 0.63, 0.57, 0.52, 0.47])

# Wind: monthly relative wind speed (spring and winter windier), diurnal
WIND_MONTHLY = np.array([1.05, 1.08, 1.15, 1.12, 1.00, 0.93, 0.92, 0.86, 0.88, 0.93, 1.00, 1.04])

# Green-import channel: monthly hydro availability (western Hubei / Sichuan)
HYDRO_MONTHLY = np.array([0.28, 0.26, 0.33, 0.50, 0.72, 0.86, 0.93, 0.90, 0.82, 0.68, 0.45, 0.32])

# Load-factor weights of the city mix (fractions of annual city energy)
CITY_WEIGHTS = {
    "load_industry": 0.49,
    "load_residential": 0.19,
    "load_public": 0.08,
    "load_commercial": 0.20,
    "load_ev_home": 0.010,
    "load_ev_public": 0.004,
    "load_ev_fast": 0.006,
    "load_other": 0.02,
}

# 2023 public holidays relevant to load (State Council schedule 2023)
SPRING_FESTIVAL = ("2023-01-21", "2023-01-27")
GOLDEN_WEEK = ("2023-09-29", "2023-10-06")
OTHER_HOLIDAYS = [
    ("2023-01-01", "2023-01-02"),  # New Year
    ("2023-04-05", "2023-04-05"),  # Qingming
    ("2023-04-29", "2023-05-03"),  # Labour Day
    ("2023-06-22", "2023-06-24"),  # Dragon Boat
]
# Make-up working days (调休) in 2023 that fall on a weekend
MAKEUP_WORKDAYS = ["2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07", "2023-10-08"]


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def periodic_monthly(values: np.ndarray, doy: np.ndarray, iters: int = 6) -> np.ndarray:
    """Smooth periodic curve through monthly values, evaluated at fractional day
    of year `doy` (1-based). Anchors at mid-month are adjusted iteratively so
    that each month's mean of the curve equals the given monthly value."""
    month_len = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    mid = np.cumsum(month_len) - month_len / 2.0 + 0.5
    grid = np.arange(1, 366) + 0.5  # mid-day of each day
    month_of_day = np.repeat(np.arange(12), month_len)
    anchors = values.astype(float).copy()

    def interp(a, x):
        xp = np.concatenate([mid - 365, mid, mid + 365])
        fp = np.concatenate([a, a, a])
        return np.interp(x, xp, fp)

    for _ in range(iters):
        daily = interp(anchors, grid)
        mmean = np.array([daily[month_of_day == m].mean() for m in range(12)])
        anchors = anchors + (values - mmean)
    return interp(anchors, doy)


def ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Stationary AR(1) series with unit variance."""
    eps = rng.standard_normal(n)
    x = np.empty(n)
    x[0] = eps[0]
    s = math.sqrt(1.0 - phi * phi)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + s * eps[i]
    return x


def demean_by_month(x_daily: np.ndarray) -> np.ndarray:
    """Remove each calendar month's mean from a daily series, so that the
    noise does not move the monthly climatology of a typical year."""
    month_len = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    m = np.repeat(np.arange(12), month_len)
    means = np.bincount(m, weights=x_daily) / month_len
    return x_daily - means[m]


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def logit(p):
    return np.log(p / (1.0 - p))


def solve_increasing(f, lo, hi, target, tol=1e-9):
    """x in [lo, hi] with f(x) = target (scipy's Brent root finder; f continuous, sign change on the bracket)."""
    return optimize.brentq(lambda x: f(x) - target, lo, hi, xtol=tol, maxiter=200)


def window(h: np.ndarray, start: float, end: float) -> np.ndarray:
    """1 where hour-of-day h lies in [start, end) (wrapping past midnight)."""
    if start <= end:
        return ((h >= start) & (h < end)).astype(float)
    return ((h >= start) | (h < end)).astype(float)


def soft_window(h: np.ndarray, start: float, end: float, ramp: float = 0.7) -> np.ndarray:
    """Smooth version of `window` (start < end, same day): logistic ramps
    of time constant `ramp` hours at opening and closing, evaluated at the
    middle of each hour."""
    t = h + 0.5
    return sigmoid((t - start) / ramp) * sigmoid((end - t) / ramp)


def bump(h: np.ndarray, centre: float, width: float) -> np.ndarray:
    """Circular Gaussian bump on the 24-h clock."""
    d = (h - centre + 12.0) % 24.0 - 12.0
    return np.exp(-0.5 * (d / width) ** 2)


# ---------------------------------------------------------------------------
# calendar
# ---------------------------------------------------------------------------


def calendar() -> pd.DataFrame:
    ts = pd.date_range("2023-01-01 00:00", periods=8760, freq="h")
    cal = pd.DataFrame(
        {
            "hour": np.arange(8760),
            "month": ts.month,
            "day_of_year": ts.day_of_year,
            "hour_of_day": ts.hour,
        }
    )
    date = ts.normalize()
    dow = ts.day_of_week.values  # Monday = 0, Sunday = 6

    def in_ranges(ranges):
        m = np.zeros(8760, dtype=bool)
        for a, b in ranges:
            m |= (date >= pd.Timestamp(a)) & (date <= pd.Timestamp(b))
        return m

    spring = in_ranges([SPRING_FESTIVAL])
    golden = in_ranges([GOLDEN_WEEK])
    holiday = spring | golden | in_ranges(OTHER_HOLIDAYS)
    makeup = np.isin(date, pd.to_datetime(MAKEUP_WORKDAYS))
    workday = ((dow < 5) | makeup) & ~holiday
    cal_extra = {
        "dow": dow,
        "workday": workday,
        "holiday": holiday,
        "spring": spring,
        "golden": golden,
        "sunday": (dow == 6) & ~makeup,
        "saturday": (dow == 5) & ~makeup,
        # days around the Spring Festival when migrant workers are away
        "spring_shoulder": in_ranges([("2023-01-14", "2023-01-20"), ("2023-01-28", "2023-02-05")]),
    }
    return cal, cal_extra


# ---------------------------------------------------------------------------
# solar geometry and irradiance
# ---------------------------------------------------------------------------


def solar_inputs(cal) -> dict:
    """Sun and clear sky at the middle of each hour (pvlib).

    Solar position: NREL SPA (``method='nrel_numpy'``). Clear-sky GHI:
    Ineichen & Perez (2002) with the monthly Linke turbidity climatology of
    Remund et al. (2003) shipped with pvlib (interpolated to the day), at
    the station pressure of ``ALTITUDE_M``. Extraterrestrial irradiance:
    Spencer (1971), pvlib's default.
    """
    times = pd.date_range("2023-01-01 00:30", periods=8760, freq="h", tz=TZ)
    site = pvlib.location.Location(LAT_DEG, LON_DEG, tz=TZ, altitude=ALTITUDE_M)
    sp = site.get_solarposition(times, method="nrel_numpy")
    linke = pvlib.clearsky.lookup_linke_turbidity(times, LAT_DEG, LON_DEG, interp_turbidity=True)
    cs = site.get_clearsky(times, model="ineichen", solar_position=sp, linke_turbidity=linke)
    return dict(
        times=times,
        zenith=sp["zenith"].to_numpy(),
        azimuth=sp["azimuth"].to_numpy(),
        ghi_cs=cs["ghi"].to_numpy(),
        linke=linke.to_numpy(),
    )


# PV classes: (tilt, azimuth from north, weight) planes; the SAPM mounting
# of pvlib's temperature table; PVWatts loss components in % (soiling,
# shading, mismatch, wiring, connections, light-induced degradation,
# nameplate, availability; pvlib.pvsystem.pvwatts_losses combines them
# multiplicatively); the DC/AC ratio of the inverter.
PV_CLASSES = {
    "cf_pv_utility": dict(
        planes=[(20.0, 180.0, 1.0)], mount="open_rack_glass_polymer", losses=dict(soiling=2, shading=1, availability=2), dc_ac=1.1
    ),
    "cf_pv_ci_rooftop": dict(
        planes=[(10.0, 180.0, 1.0)], mount="open_rack_glass_glass", losses=dict(soiling=3, shading=1, availability=2), dc_ac=1.1
    ),
    "cf_pv_public_rooftop": dict(
        planes=[(15.0, 180.0, 1.0)], mount="open_rack_glass_glass", losses=dict(soiling=3, shading=3, availability=2), dc_ac=1.1
    ),
    "cf_pv_residential_rooftop": dict(
        planes=[(20.0, 180.0, 0.5), (20.0, 90.0, 0.25), (20.0, 270.0, 0.25)],
        mount="close_mount_glass_glass",
        losses=dict(soiling=3, shading=2, availability=2),
        dc_ac=1.0,
    ),
}
PV_GAMMA = -0.0035  # 1/K, power temperature coefficient (mono-Si PERC)
INVERTER_EFFICIENCY = 0.97  # nominal (PVWatts inverter model)
IAM_B0 = 0.05  # ASHRAE incidence-angle modifier parameter


def make_weather(rng, cal):
    """Daily cloudiness (clear-sky index) and hourly air temperature."""
    doy = cal["day_of_year"].values.astype(float)
    hod = cal["hour_of_day"].values.astype(float)
    day_idx = cal["day_of_year"].values - 1

    # --- cloudiness: daily AR(1) in logit space + small hourly AR(1) -------
    kc_mean_day = periodic_monthly(KC_MONTHLY, np.arange(1, 366) + 0.5)
    z_day = demean_by_month(ar1(rng, 365, 0.55))  # day-to-day persistence
    z_hour = ar1(rng, 8760, 0.80)  # passing clouds within the day
    # --- temperature ---------------------------------------------------------
    t_day_mean = periodic_monthly(T_MONTHLY, np.arange(1, 366) + 0.5)
    t_noise = demean_by_month(ar1(rng, 365, 0.75)) * 2.2  # K, synoptic anomalies
    return dict(
        doy=doy, hod=hod, day_idx=day_idx, kc_mean_day=kc_mean_day, z_day=z_day, z_hour=z_hour, t_day_mean=t_day_mean, t_noise=t_noise
    )


CLOUD_SPREAD = 1.25  # logit-space std-dev of daily cloudiness


def clear_sky_index(w, shift):
    """Hourly clear-sky index kc in [0.05, 1.0] for a calibration shift."""
    x_day = logit(w["kc_mean_day"]) + shift + CLOUD_SPREAD * w["z_day"]
    kc_day = 0.05 + 0.95 * sigmoid(x_day)
    kc_day_h = kc_day[w["day_idx"]]
    # intra-day variability largest on broken-cloud days
    amp = 0.35 * kc_day_h * (1.0 - kc_day_h) * 2.0
    kc = kc_day_h * np.exp(amp * 0.5 * w["z_hour"])
    return np.clip(kc, 0.05, 1.0), kc_day


def pv_profiles(w, shift):
    """Hourly capacity factors (AC output per W of DC nameplate) of the PV classes (pvlib).

    All-sky GHI = clear-sky GHI × clear-sky index; Erbs et al. (1982) split
    it into beam and diffuse; isotropic-sky transposition (Liu & Jordan) to
    each plane with ground albedo ``ALBEDO``; ASHRAE incidence-angle
    modifier on the beam and its Marion (2017) integral on sky and ground
    diffuse; SAPM cell temperature (King et al. 2004) at the class's
    mounting; PVWatts DC power with ``PV_GAMMA``, the class's PVWatts
    losses, and the PVWatts inverter (clipping at the DC/AC ratio).
    """
    sun = w["sun"]
    zen, azi = sun["zenith"], sun["azimuth"]
    kc, kc_day = clear_sky_index(w, shift)
    ghi = sun["ghi_cs"] * kc
    split = pvlib.irradiance.erbs(ghi, zen, sun["times"])
    dni, dhi = split["dni"].to_numpy(), split["dhi"].to_numpy()
    t_air = w["t_air"]
    out = {}
    for name, spec in PV_CLASSES.items():
        temp = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][spec["mount"]]
        loss = pvlib.pvsystem.pvwatts_losses(**spec["losses"]) / 100.0
        pdc = np.zeros(8760)
        for tilt, azim, wt in spec["planes"]:
            poa = pvlib.irradiance.get_total_irradiance(tilt, azim, zen, azi, dni, ghi, dhi, albedo=ALBEDO, model="isotropic")
            aoi = pvlib.irradiance.aoi(tilt, azim, zen, azi)
            iam_beam = np.nan_to_num(pvlib.iam.ashrae(aoi, b=IAM_B0), nan=0.0)
            iam_diff = pvlib.iam.marion_diffuse("ashrae", tilt, b=IAM_B0)
            effective = (
                np.asarray(poa["poa_direct"]) * iam_beam
                + np.asarray(poa["poa_sky_diffuse"]) * iam_diff["sky"]
                + np.asarray(poa["poa_ground_diffuse"]) * iam_diff["ground"]
            )
            effective = np.nan_to_num(np.maximum(effective, 0.0))
            t_cell = pvlib.temperature.sapm_cell(np.asarray(poa["poa_global"]), t_air, WIND_AT_MODULE_M_S, **temp)
            pdc += wt * pvlib.pvsystem.pvwatts_dc(effective, t_cell, 1.0, PV_GAMMA)  # per W of DC nameplate
        pdc *= 1.0 - loss
        # inverter sized at 1/dc_ac of the DC nameplate: output per W DC
        ac = pvlib.inverter.pvwatts(pdc, pdc0=1.0 / spec["dc_ac"], eta_inv_nom=INVERTER_EFFICIENCY)
        out[name] = np.clip(np.nan_to_num(np.asarray(ac)), 0.0, 1.0)
    return out, dict(ghi=ghi, ghi_cs=sun["ghi_cs"], kc_day=kc_day)


def air_temperature(w, kc_day):
    """Hourly air temperature: daily mean + noise + diurnal cosine (min ~05h,
    max ~15h) whose range grows with sunniness (7 K on an average day)."""
    t_mean = w["t_day_mean"] + w["t_noise"]
    rng_day = T_DIURNAL_RANGE * (0.55 + 0.9 * kc_day) / (0.55 + 0.9 * kc_day.mean())
    d = w["day_idx"]
    return t_mean[d] + 0.5 * rng_day[d] * np.cos(2.0 * np.pi * (w["hod"] + 0.5 - 15.0) / 24.0)


# ---------------------------------------------------------------------------
# wind
# ---------------------------------------------------------------------------


WIND_TURBINE = "E-141/4200"  # Enercon low-wind turbine (IEC IIIA, 141 m rotor, 269 W/m2) of windpowerlib's library
WIND_HUB_HEIGHT_M = 120.0


def power_curve(v):
    """Per-unit output of the turbine at hub-height speed v (m/s).

    The manufacturer's power curve of ``WIND_TURBINE`` from the OpenEnergy
    database snapshot shipped with windpowerlib (no download), applied with
    ``windpowerlib.power_output.power_curve`` (linear interpolation, zero
    outside the curve: cut-out at 25 m/s), divided by the nominal power.
    """
    turbine = windpowerlib.WindTurbine(turbine_type=WIND_TURBINE, hub_height=WIND_HUB_HEIGHT_M)
    curve = turbine.power_curve
    p = windpowerlib.power_output.power_curve(pd.Series(v), curve["wind_speed"], curve["value"])
    return np.asarray(p, dtype=float) / turbine.nominal_power


def wind_profile(rng, cal):
    doy = cal["day_of_year"].values.astype(float)
    hod = cal["hour_of_day"].values.astype(float)
    seasonal = periodic_monthly(WIND_MONTHLY, doy + hod / 24.0)
    diurnal = 1.0 + 0.12 * np.cos(2.0 * np.pi * (hod - 2.0) / 24.0)  # night maximum
    z = ar1(rng, 8760, 0.96)  # hourly AR(1) -> Weibull(k=2) quantile
    month = cal["month"].values - 1
    z = z - (np.bincount(month, weights=z) / np.bincount(month))[month]
    u = np.clip(stats.norm.cdf(z), 1e-9, 1 - 1e-9)
    weib = stats.weibull_min.ppf(u, 2.0)  # Weibull k=2 (Rayleigh), unit scale
    losses = 0.88  # wake, availability, electrical

    def cf_for(scale):
        v = scale * seasonal * diurnal * weib
        return losses * power_curve(v)

    scale = solve_increasing(lambda s: cf_for(s).sum(), 2.0, 15.0, TARGET_WIND_FLH)
    return cf_for(scale), scale


# ---------------------------------------------------------------------------
# loads
# ---------------------------------------------------------------------------


def load_shapes(cal, ex, t_air, cool_scale):
    h = cal["hour_of_day"].values.astype(float)
    doy = cal["day_of_year"].values.astype(float)
    workday = ex["workday"].astype(float)
    offday = 1.0 - workday
    # degree-hours (K): Wuhan buildings cool above 26 C and heat below 14 C
    # (no district heating; split air-conditioners do both)
    cdh = np.maximum(t_air - 26.0, 0.0)
    hdh = np.maximum(14.0 - t_air, 0.0)

    # thermal inertia: 3-hour trailing mean of degree-hours
    def lag(x, n=3):
        k = np.ones(n) / n
        return np.convolve(np.concatenate([x[-(n - 1) :], x]), k, mode="valid")

    cdh, hdh = lag(cdh), lag(hdh)

    shapes = {}

    # industry: continuous process + day shift; Sunday lower; Spring Festival dip
    ind = 1.0 + 0.06 * window(h, 8, 17) * workday + 0.02 * window(h, 17, 23) * workday
    ind *= np.where(ex["sunday"], 0.92, np.where(ex["saturday"], 0.96, 1.0))
    ind *= np.where(ex["spring"], 0.72, np.where(ex["spring_shoulder"], 0.92, 1.0))
    ind *= np.where(ex["golden"], 0.90, np.where(ex["holiday"] & ~ex["spring"], 0.95, 1.0))
    ind *= 1.0 + 0.006 * cdh  # plant cooling, ventilation
    shapes["load_industry"] = ind

    # residential: morning and evening peaks, summer cooling, winter heating
    base_res = 0.45 + 0.25 * bump(h, 7.5, 1.3) + 0.30 * bump(h, 12.0, 1.2) + 0.75 * bump(h, 20.5, 2.0)
    base_res *= 1.0 + 0.08 * offday
    base_res *= np.where(ex["spring"], 1.05, 1.0)
    occ_cool = 0.55 + 0.25 * bump(h, 15.0, 3.0) + 0.45 * bump(h, 21.5, 2.5) + 0.25 * window(h, 23, 6)
    occ_heat = 0.4 + 0.5 * bump(h, 7.5, 1.5) + 0.8 * bump(h, 20.5, 2.2)
    res = base_res + cool_scale * 0.11 * cdh * occ_cool + 0.030 * hdh * occ_heat
    shapes["load_residential"] = res

    # public institutions: office hours on working days
    office = soft_window(h, 8, 18) * (1.0 - 0.25 * bump(h, 12.5, 0.6))
    pub_occ = workday * office + offday * 0.15 * soft_window(h, 8, 18)
    pub = 0.30 + 0.70 * pub_occ + 0.10 * soft_window(h, 18, 22) * workday
    pub *= np.where(ex["spring"], 0.75, 1.0)
    pub += cool_scale * 0.085 * cdh * (0.15 + 0.85 * pub_occ) + 0.03 * hdh * (0.2 + 0.8 * pub_occ)
    shapes["load_public"] = pub

    # commercial: open 09:00-22:00, evening retail, weekends slightly higher
    open_ = soft_window(h, 9, 22, 0.9) * (0.85 + 0.15 * bump(h, 15.0, 3.0) + 0.10 * bump(h, 20.0, 1.5))
    com = 0.25 + 0.75 * open_ * (1.0 + 0.06 * offday)
    com *= np.where(ex["spring"], 0.80, 1.0)
    com += cool_scale * 0.075 * cdh * (0.2 + 0.8 * open_) + 0.025 * hdh * (0.2 + 0.8 * open_)
    shapes["load_commercial"] = com

    # EV charging
    season_ev = 1.0 + 0.10 * (hdh > 0) * np.minimum(hdh / 10.0, 1.0) + 0.05 * np.minimum(cdh / 5.0, 1.0)
    ev_home = (bump(h, 23.0, 2.3) * window(h, 20, 7) + 0.02) * season_ev
    ev_home *= np.where(ex["spring"], 0.7, 1.0)
    shapes["load_ev_home"] = ev_home
    ev_pub = (0.9 * bump(h, 11.0, 2.0) + 1.0 * bump(h, 15.0, 2.2) + 0.4 * bump(h, 19.5, 1.5)) * window(h, 7, 22) + 0.03
    ev_pub *= (1.0 + 0.10 * workday) * season_ev
    shapes["load_ev_public"] = ev_pub
    ev_fast = (
        1.0 * bump(h, 12.5, 1.4)
        + 0.9 * bump(h, 18.5, 1.3)
        + 0.65 * bump(h, 3.0, 1.2)  # night driver shift change (交接班)
        + 0.25
    ) * season_ev
    shapes["load_ev_fast"] = ev_fast

    # other: agriculture (irrigation, summer daytime), other industry, residual
    agri = (0.3 + 0.7 * window(h, 6, 19)) * (1.0 + 0.8 * np.exp(-0.5 * ((doy - 200) / 35.0) ** 2))
    shapes["_agri"] = agri

    norm = {k: v / v.sum() for k, v in shapes.items()}
    other = 0.45 * norm["load_industry"] + 0.30 * norm["load_commercial"] + 0.25 * norm["_agri"]
    norm["load_other"] = other / other.sum()
    del norm["_agri"]

    city = sum(CITY_WEIGHTS[k] * norm[k] for k in CITY_WEIGHTS)
    norm["load_city"] = city / city.sum()
    return norm, dict(cdh=cdh, hdh=hdh)


def load_factor(x):
    return float(x.mean() / x.max())


# ---------------------------------------------------------------------------
# green import channel
# ---------------------------------------------------------------------------


def green_import(rng, cal):
    doy = cal["day_of_year"].values.astype(float)
    hod = cal["hour_of_day"].values.astype(float)
    # hydro: seasonal, daily noise (inflows, dispatch) persistent over weeks
    hydro = periodic_monthly(HYDRO_MONTHLY, doy + hod / 24.0)
    hz = ar1(rng, 365, 0.9)[cal["day_of_year"].values - 1]
    hydro = np.clip(hydro + 0.06 * hz, 0.05, 1.0)
    # northwest wind via UHV: night maximum, windier winter/spring
    wz = ar1(rng, 8760, 0.95)
    nw_wind = np.clip(
        0.32 + 0.08 * np.cos(2 * np.pi * (doy - 60) / 365.0) + 0.08 * np.cos(2 * np.pi * (hod - 2.0) / 24.0) + 0.15 * wz, 0.0, 1.0
    )
    # northwest solar (~95 E, solar noon ~13:30 Beijing time, clear skies)
    nw_solar = np.clip(np.cos(np.pi * (hod + 0.5 - 13.5) / 12.5), 0.0, None) * (0.75 + 0.15 * np.cos(2 * np.pi * (doy - 172) / 365.0))
    avail = 0.62 * hydro + 0.20 * nw_wind + 0.18 * nw_solar + 0.065
    return np.clip(avail, 0.0, 1.0)


# ---------------------------------------------------------------------------
# time-of-use tariff
# ---------------------------------------------------------------------------


def tou(cal):
    """Hubei industrial and commercial time-of-use ratios (鄂发改价管〔2024〕77号, in force from 1 May 2024).

    Hour h stands for h:00-(h+1):00, Beijing time. Periods: valley 0-6 and
    12-14; flat 6-12 and 14-16; critical peak July-August 20-22, other
    months 18-20; peak the rest of 16-24. Ratios to the base price (purchase
    price + line losses): critical 1.8, peak 1.49, flat 1, valley 0.48; in
    the peak-load months (July, August, December, January) critical 2.0 and
    valley 0.45.
    """
    h = cal["hour_of_day"].values
    m = cal["month"].values
    summer = np.isin(m, [7, 8])
    peak_months = np.isin(m, [1, 7, 8, 12])
    mult = np.ones(8760)  # flat 06-12, 14-16
    mult[h >= 16] = 1.49  # peak 16-24 (critical hours overwritten below)
    critical = np.where(summer, (h >= 20) & (h < 22), (h >= 18) & (h < 20))
    mult[critical] = np.where(peak_months[critical], 2.0, 1.8)
    valley = (h < 6) | ((h >= 12) & (h < 14))
    mult[valley] = np.where(peak_months[valley], 0.45, 0.48)
    return mult


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------


def build():
    rng = np.random.default_rng(SEED)
    cal, ex = calendar()

    w = make_weather(rng, cal)
    w["sun"] = solar_inputs(cal)
    # air temperature needs daily sunniness; sunniness calibration needs
    # temperature (cell derating): iterate the pair twice (converges fast)
    shift = 0.0
    _, aux = pv_profiles({**w, "t_air": np.full(8760, 15.0)}, shift)
    for _ in range(3):
        w["t_air"] = air_temperature(w, aux["kc_day"])
        shift = solve_increasing(lambda s: pv_profiles(w, s)[0]["cf_pv_utility"].sum(), -4.0, 4.0, TARGET_PV_UTILITY_FLH, tol=1e-7)
        pv, aux = pv_profiles(w, shift)
    t_air = air_temperature(w, aux["kc_day"])
    w["t_air"] = t_air
    pv, aux = pv_profiles(w, shift)

    wind, wind_scale = wind_profile(rng, cal)

    cool = solve_increasing(
        lambda c: -load_factor(load_shapes(cal, ex, t_air, c)[0]["load_city"]), 0.0, 20.0, -TARGET_CITY_LOAD_FACTOR, tol=1e-6
    )
    loads, dd = load_shapes(cal, ex, t_air, cool)

    df = cal.copy()
    for k, v in pv.items():
        df[k] = v
    df["cf_wind"] = wind
    for k in [
        "load_industry",
        "load_residential",
        "load_public",
        "load_commercial",
        "load_ev_home",
        "load_ev_public",
        "load_ev_fast",
        "load_other",
        "load_city",
    ]:
        df[k] = loads[k]
    df["avail_green_import"] = green_import(rng, cal)
    df["tou_multiplier"] = tou(cal)
    df["source"] = SOURCE_ID
    diag = dict(shift=shift, cool=cool, wind_scale=wind_scale, t_air=t_air, **aux, **dd)
    return df, diag


def report(df, diag):
    print(f"Wrote {OUT} ({len(df)} rows)")
    print("PV full-load hours (sum of hourly AC capacity factor, h/yr):")
    for k in PV_CLASSES:
        print(f"  {k:28s} {df[k].sum():7.1f} h   max cf {df[k].max():.3f}")
    print(f"  cloudiness calibration shift (logit) = {diag['shift']:+.4f}")
    ghi = diag["ghi"].sum() / 1000.0
    print(f"  annual GHI {ghi:.0f} kWh/m2, clear-sky {diag['ghi_cs'].sum() / 1000.0:.0f} kWh/m2")
    mon = df.groupby("month")["cf_pv_utility"].sum()
    print("  utility PV monthly h: " + " ".join(f"{v:.0f}" for v in mon.values))
    print(f"Wind full-load hours: {df['cf_wind'].sum():.1f} h (scale {diag['wind_scale']:.3f} m/s)")
    lf = load_factor(df["load_city"].values)
    i = int(df["load_city"].values.argmax())
    r = df.iloc[i]
    peak_gw = df["load_city"].max() * 81.9e3  # TWh -> GWh -> GW
    print(
        f"City load factor: {lf:.4f} (cooling amplitude scale {diag['cool']:.4f}); "
        f"peak at hour {i} = 2023 day {int(r.day_of_year)} ({pd.Timestamp('2023-01-01') + pd.Timedelta(hours=i)}), "
        f"~{peak_gw:.1f} GW if scaled to 81.9 TWh"
    )
    for k in [c for c in df.columns if c.startswith("load_")]:
        print(f"  {k:18s} sum {df[k].sum():.9f}  load factor {load_factor(df[k].values):.3f}")
    t = diag["t_air"]
    tm = pd.Series(t).groupby(df["month"].values).mean()
    print("Air temperature monthly mean (C): " + " ".join(f"{v:.1f}" for v in tm.values) + f"; max {t.max():.1f}, min {t.min():.1f}")
    a = df["avail_green_import"]
    wet = df["month"].between(5, 10)
    print(f"Green import availability: mean {a.mean():.3f}, wet (May-Oct) {a[wet].mean():.3f}, dry {a[~wet].mean():.3f}")
    print(f"TOU multiplier mean {df['tou_multiplier'].mean():.3f}")


def round_sig_keep_sum(v: np.ndarray, sig: int = 6) -> np.ndarray:
    """Round positive values to `sig` significant digits, then move the
    smallest possible number of values by one unit in the last digit
    (those with the largest rounding remainder) so that the rounded column
    still sums to its original total (largest-remainder method)."""
    total = v.sum()
    step = 10.0 ** (np.floor(np.log10(v)) - (sig - 1))
    r = np.round(v / step) * step
    resid = total - r.sum()
    for _ in range(10):  # a few passes; each pass moves toward the total
        if abs(resid) < 0.5 * step.min():
            break
        sign = 1.0 if resid > 0 else -1.0
        rem = (v - r) / step  # remainder in units of the last digit
        for i in np.argsort(-sign * rem, kind="stable"):
            if sign * resid >= 0.5 * step[i]:
                r[i] += sign * step[i]
                resid -= sign * step[i]
        resid = total - r.sum()
    return r


def main():
    df, diag = build()
    for k in [c for c in df.columns if c.startswith("load_")]:
        df[k] = round_sig_keep_sum(df[k].values)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(OUT, index=False, float_format="%.6g", lineterminator="\n")
    report(df, diag)


if __name__ == "__main__":
    main()

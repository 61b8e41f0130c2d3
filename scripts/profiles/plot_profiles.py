"""Chart of the Wuhan typical-year profiles (inputs/wuhan/profiles_hourly.csv).

Writes docs/img/profiles.png. Run from the repository root after
make_profiles.py:

    /work/venv/bin/python scripts/profiles/plot_profiles.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

CSV = Path("inputs/wuhan/profiles_hourly.csv")
PNG = Path("docs/img/profiles.png")
ANNUAL_TWH = 81.9  # Wuhan whole-society electricity 2024 (sgcc-wuhan-electricity-2024)

PV = [
    ("cf_pv_utility", "Utility, ground-mounted (20° S)", "#1f4e79"),
    ("cf_pv_ci_rooftop", "C&I rooftop (10° S)", "#2e86c1"),
    ("cf_pv_public_rooftop", "Public rooftop (15° S, shading)", "#e67e22"),
    ("cf_pv_residential_rooftop", "Residential rooftop (20°, S/E/W)", "#c0392b"),
]
# sector shares of city electricity used in make_profiles.CITY_WEIGHTS
SECTORS = [
    ("load_industry", "Industry", 0.49, "#5d6d7e"),
    ("load_other", "Other", 0.02, "#a9cce3"),
    ("load_commercial", "Commercial", 0.20, "#f5b041"),
    ("load_public", "Public institutions", 0.08, "#58d68d"),
    ("load_residential", "Residential", 0.19, "#ec7063"),
    ("load_ev", "EV charging", 0.02, "#8e44ad"),
]
EV = {"load_ev_home": 0.010, "load_ev_public": 0.004, "load_ev_fast": 0.006}


def week(df, start):
    t0 = pd.Timestamp(start)
    i0 = int((t0 - pd.Timestamp("2023-01-01")) / pd.Timedelta(hours=1))
    return df.iloc[i0 : i0 + 168], t0


def pv_week(ax, df, start, title):
    w, t0 = week(df, start)
    x = np.arange(len(w))
    for col, label, colour in PV:
        ax.plot(x, w[col].values, color=colour, lw=1.4, label=label)
    ax.set_xlim(0, 168)
    ax.set_ylim(0, 0.8)
    ticks = np.arange(0, 169, 24)
    ax.set_xticks(ticks)
    days = pd.date_range(t0, periods=8, freq="D")
    ax.set_xticklabels([d.strftime("%a\n%d %b") for d in days], fontsize=8)
    ax.set_ylabel("AC capacity factor (–)")
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.grid(True, color="#dddddd", lw=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def main():
    df = pd.read_csv(CSV)
    df["load_ev"] = sum(w * df[c] for c, w in EV.items()) / sum(EV.values())

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9})
    fig, axes = plt.subplots(2, 2, figsize=(13, 8.6), dpi=150)
    (a, b), (c, d) = axes

    flh = {col: df[col].sum() for col, _, _ in PV}
    pv_week(a, df, "2023-08-07", "(a) PV output, summer week, 7–13 Aug 2023")
    pv_week(b, df, "2023-01-09", "(b) PV output, winter week, 9–15 Jan 2023")
    b.legend(loc="upper left", fontsize=8, frameon=False, ncol=2, title="PV class (same weather for all classes)", title_fontsize=8)

    # (c) city load by sector on the annual peak day, GW at 81.9 TWh/yr
    ipk = int(df["load_city"].values.argmax())
    doy = int(df["day_of_year"].iloc[ipk])
    day = df[df["day_of_year"] == doy]
    hrs = day["hour_of_day"].values
    stack = [ANNUAL_TWH * 1e3 * share * day[col].values for col, _, share, _ in SECTORS]
    # hour-averaged power plotted as steps over [h, h+1)
    xs = np.repeat(np.append(hrs, 24), 2)[1:-1]
    ys = [np.repeat(s, 2) for s in stack]
    c.stackplot(xs, ys, labels=[f"{lab} ({sh:.0%})" for _, lab, sh, _ in SECTORS], colors=[col for *_, col in SECTORS], alpha=0.9, lw=0)
    total = np.sum(stack, axis=0)
    pk_h = int(hrs[total.argmax()])
    c.annotate(
        f"peak {total.max():.1f} GW\n{pk_h:02d}:00–{pk_h + 1:02d}:00",
        xy=(pk_h + 0.5, total.max()),
        xytext=(19.5, total.max() + 0.6),
        fontsize=8,
        arrowprops=dict(arrowstyle="->", lw=0.8),
    )
    date = pd.Timestamp("2023-01-01") + pd.Timedelta(days=doy - 1)
    c.set_xlim(0, 24)
    c.set_ylim(0, total.max() * 1.45)
    c.set_xticks(range(0, 25, 3))
    c.set_xticklabels([f"{h:02d}:00" for h in range(0, 25, 3)], fontsize=8)
    c.set_xlabel("Hour of day (local time, UTC+8)")
    c.set_ylabel("Electricity demand (GW)")
    c.set_title(f"(c) City load by sector on the peak day, {date:%a %d %b}", loc="left", fontsize=11, fontweight="bold")
    c.legend(loc="upper left", fontsize=7.5, frameon=False, ncol=2, title="Sector (share of annual energy)", title_fontsize=8)
    c.grid(True, axis="y", color="#dddddd", lw=0.6)
    for side in ("top", "right"):
        c.spines[side].set_visible(False)

    # (d) monthly PV yield per class
    mon = df.groupby("month")[[col for col, _, _ in PV]].sum()
    width = 0.2
    for k, (col, label, colour) in enumerate(PV):
        d.bar(mon.index + (k - 1.5) * width, mon[col].values, width, color=colour, label=f"{label.split(' (')[0]}: {flh[col]:,.0f} h/yr")
    d.set_xticks(range(1, 13))
    d.set_xticklabels(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], fontsize=8)
    d.set_ylabel("Full-load hours per month (h)")
    d.set_title("(d) Monthly PV yield (Meiyu rains Jun–Jul, cloudy winter)", loc="left", fontsize=11, fontweight="bold")
    d.legend(loc="upper left", fontsize=7.5, frameon=False, title="Annual full-load hours", title_fontsize=8)
    d.set_ylim(0, mon.values.max() * 1.35)
    d.grid(True, axis="y", color="#dddddd", lw=0.6)
    for side in ("top", "right"):
        d.spines[side].set_visible(False)

    fig.suptitle(
        "Wuhan typical-year hourly profiles (2023 calendar): solar PV output and electricity demand",
        fontsize=14,
        fontweight="bold",
        x=0.01,
        ha="left",
    )
    fig.text(
        0.01,
        0.005,
        "Source: synthetic profiles wuhan-profiles-2023 (scripts/profiles/make_profiles.py), "
        "calibrated to ~1,000 PV full-load hours (Hubei grid data) and a city load factor of "
        "0.585; panel (c) scaled to 81.9 TWh/yr (2024). Estimates, not measurements.",
        fontsize=7.5,
        color="#555555",
    )
    fig.tight_layout(rect=(0, 0.02, 1, 0.96))
    PNG.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(PNG, metadata={"Software": None})
    print(f"Wrote {PNG}")


if __name__ == "__main__":
    main()

"""``report.html``: a run as a deliverable a planning office can file, in the run's language.

One self-contained file (inline CSS, charts embedded as base64 PNG, no
scripts, no network) with, in this order:

1. a first paragraph in plain words: what the policy as modelled adds in
   investment and present-value cost over the baseline run, the CO2 it cuts in
   the last planning year, the targets that bind and the limits the plan sits on;
2. the targets in the policy's clause order, with the clause's Chinese text,
   the basis of the number (policy, or a scenario choice where the policy has
   no number), value, met or missed, and shadow price;
3. the binding limits (``limits.csv`` when the run has it; otherwise the
   measures adopted to their full potential);
4. emissions, energy, power and costs, each with its charts;
5. the data caveat (the share of input values that are estimates) and the
   version, commit and SHA-256 of the run's manifest.json.

The baseline comparison needs a baseline run of the same data set and
horizon: ``transim run … --baseline RUN_DIR`` names it, otherwise the newest
``<out>/baseline/<stamp>/`` beside the run is used (see :func:`find_baseline`).
Every label comes from :mod:`simulator.results.i18n`, so a ``--lang zh`` run's
report is in Chinese throughout. A print stylesheet lays it out on A4.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.results.charts import in_clause_order
from simulator.results.i18n import Labels

#: chart stems by report section, in order
SECTIONS = {
    "emissions": ["emissions"],
    "energy": ["energy_use", "macc"],
    "power": ["capacity", "supply_mix", "dispatch", "price_duration"],
    "costs": ["costs"],
}


def _p(key: str, lang: str) -> str:
    """A report phrase from the one translation table (keys ``report:<key>``)."""
    return Labels(lang)(f"report:{key}")


_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","Noto Sans",Arial,sans-serif;margin:1.5em auto;
 max-width:1400px;color:#222;padding:0 1em;font-size:16px;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em} h2{font-size:1.3em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
p.lead{font-size:1.15em;background:#f5f7fa;border-left:4px solid #1f77b4;padding:.7em 1em}
table{border-collapse:collapse;font-size:.92em;margin:.5em 0;max-width:100%} th,td{border:1px solid #ccc;padding:.3em .5em;
 text-align:right;vertical-align:top} th{background:#f2f2f2} td.l,th.l{text-align:left} td.zh{text-align:left;max-width:22em}
.met{color:#1a7f1a;font-weight:bold} .missed{color:#c62828;font-weight:bold}
figure{margin:.8em 0} img{max-width:100%;height:auto;border:1px solid #eee} figcaption{font-size:.9em;color:#555}
.muted{color:#555;font-size:.92em} .wrap{overflow-wrap:anywhere}
@media print{
 @page{size:A4;margin:14mm 12mm}
 body{max-width:none;margin:0;padding:0;font-size:10.5pt}
 h2{break-after:avoid} table,figure,p.lead{break-inside:avoid}
 img{max-width:100% !important;width:100% !important;border:none}
 p.lead{background:none;border-left:2px solid #1f77b4}
}
"""


def _esc(x) -> str:
    return html.escape(str(x))


def _num(v, digits: int = 4) -> str:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return _esc(v)
    if v != v:
        return "–"
    if abs(v) >= 1e4:
        return f"{v:,.0f}"
    return f"{v:,.{digits}g}"


def clause_text(note: str) -> str:
    """The Chinese words of a target's note (its leading run of CJK text, numbers and punctuation)."""
    text = str(note or "").strip()
    m = re.match(r"[^A-Za-z]*", text)
    out = (m.group(0) if m else "").strip(" (（;；:")
    return out if re.search(r"[\u4e00-\u9fff]", out) else ""


def target_basis(row: pd.Series, spec) -> str:
    """``policy`` or ``scenario``: the scorecard's ``basis`` column when present, else read from the target's note."""
    if "basis" in row.index and isinstance(row["basis"], str) and row["basis"]:
        return "scenario" if "scenario" in row["basis"] else "policy"
    note = getattr(spec, "note", "") if spec is not None else ""
    return "scenario" if "scenario choice" in str(note) or "has no number" in str(note) else "policy"


# --------------------------------------------------------------------------- pieces


def _kv_table(rows: list[tuple[str, str, str]], L: Labels, lang: str) -> str:
    head = f"<tr><th class='l'>{_p('item', lang)}</th><th>{_p('value', lang)}</th><th class='l'>{_p('unit', lang)}</th></tr>"
    body = "".join(f"<tr><td class='l'>{_esc(a)}</td><td>{b}</td><td class='l'>{_esc(L.unit(c))}</td></tr>" for a, b, c in rows)
    return f"<table>{head}{body}</table>"


def _targets_table(card: pd.DataFrame, specs: dict, L: Labels, lang: str) -> str:
    word = {">=": "≥", "<=": "≤", "==": "="}
    cols = ["clause", "target", "clause text", "basis", "year", "target", "value", "met?", "shadow"]
    head = "".join(f"<th class='l'>{_p(c, lang)}</th>" if i < 4 else f"<th>{_p(c, lang)}</th>" for i, c in enumerate(cols))
    rows = []
    for _, r in in_clause_order(card).iterrows():
        spec = specs.get(r["id"])
        met = str(r["met"]).lower() in ("true", "1")
        basis = target_basis(r, spec)
        unit = L.unit(r["unit"])
        rows.append(
            "<tr>"
            f"<td class='l'>{_esc(r['clause'])}</td><td class='l'>{_esc(L(r['id']))}</td>"
            f"<td class='zh'>{_esc(clause_text(getattr(spec, 'note', '')))}</td>"
            f"<td class='l'>{_p('basis:' + basis, lang)}</td><td>{_esc(r['year'])}</td>"
            f"<td>{word.get(r['sense'], _esc(r['sense']))} {_num(r['target'])} {_esc(unit)}</td>"
            f"<td>{_num(r['value'])} {_esc(unit)}</td>"
            f"<td class='{'met' if met else 'missed'}'>{_esc(L('met') if met else L('missed'))}</td>"
            f"<td>{_num(r['shadow_price'])} {_esc(L.unit(r['shadow_price_unit']))}{_annual(r, L)}</td>"
            "</tr>"
        )
    return f"<table><tr>{head}</tr>{''.join(rows)}</table><p class='muted'>{_p('shadow note', lang)}</p>"


def _annual(r: pd.Series, L: Labels) -> str:
    """The shadow price per year of the horizon after the target year, when the scorecard has it."""
    if "shadow_price_annual" not in r.index or not np.isfinite(float(r["shadow_price_annual"])) or float(r["shadow_price"]) == 0:
        return ""
    unit = L.unit(str(r.get("shadow_price_annual_unit", "")))
    return f"<br><span class='muted'>{_num(r['shadow_price_annual'])} {_esc(unit)}</span>"


def limit_key(table: str, row) -> str:
    """The translation key of a limits.csv row: ``imports, green`` → ``import_green``; measures keep their id."""
    prefix = {"imports": "import_", "storage": "storage_", "pv_classes": "pv_"}
    return prefix.get(str(table), "") + str(row)


def binding_limits(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Limits the plan sits on: ``limits.csv`` when the run has it, else the measures adopted to their full potential.

    Columns: name (a key of the translation table or an id), table, column, value, unit, years_binding, saving_mcny.
    """
    lim = tables.get("limits")
    if lim is not None and not lim.empty:
        return pd.DataFrame(
            {
                "name": [limit_key(t, r) for t, r in zip(lim["table"], lim["row"], strict=True)],
                "table": lim["table"].astype(str),
                "column": lim["column"].astype(str),
                "value": lim["value"],
                "unit": lim["unit"].astype(str),
                "years_binding": lim.get("years_binding", np.nan),
                "saving_mcny": lim.get("relax_10pct_saving_mcny", np.nan),
            }
        )
    cat = tables.get("measure_catalogue")
    if cat is None or cat.empty or not {"adopted_saving_mtce_per_yr", "remaining_potential_saving_mtce_per_yr"} <= set(cat.columns):
        return pd.DataFrame(columns=["name", "table", "column", "value", "unit", "years_binding", "saving_mcny"])
    full = cat[
        (cat["remaining_potential_saving_mtce_per_yr"] > 1e-9)
        & (cat["adopted_saving_mtce_per_yr"] >= cat["remaining_potential_saving_mtce_per_yr"] * (1 - 1e-6))
    ]
    return pd.DataFrame(
        {
            "name": full["measure"].astype(str),
            "table": "measures",
            "column": "potential",
            "value": full["potential"],
            "unit": full["unit"].astype(str),
            "years_binding": np.nan,
            "saving_mcny": np.nan,
        }
    )


def _limits_table(limits: pd.DataFrame, L: Labels, lang: str, top: int = 12) -> str:
    if limits.empty:
        return f"<p>{_p('no limits', lang)}</p>"
    cols = ["input", "limit value", "years binding", "relax saving"]
    head = "".join(f"<th class='l'>{_p(c, lang)}</th>" if i == 0 else f"<th>{_p(c, lang)}</th>" for i, c in enumerate(cols))
    rows = []
    for _, r in limits.head(top).iterrows():
        what = f"{_esc(L(r['name']))}: {_esc(L('limit:' + str(r['column'])))}"
        if lang != "zh":  # where the number lives (file and column names are English)
            what += f" <span class='muted'>({_esc(r['table'])}.csv · {_esc(r['column'])})</span>"
        rows.append(
            f"<tr><td class='l wrap'>{what}</td><td>{_num(r['value'])} {_esc(L.unit(r['unit']))}</td>"
            f"<td>{_num(r['years_binding'])}</td><td>{_num(r['saving_mcny'])}</td></tr>"
        )
    more = f"<p class='muted'>+ {len(limits) - top}</p>" if len(limits) > top else ""
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>{more}"


def _figure(name: str, png: bytes | None, title: str) -> str:
    if png is None:
        return ""
    b64 = base64.b64encode(png).decode("ascii")
    width = _png_width(png)
    # charts are drawn at 150 dpi: shown at 96 px per inch their text has its drawn size (8.5 pt stays 8.5 pt)
    w_attr = f" width='{round(width * 96 / 150)}'" if width else ""
    return f"<figure><img alt='{_esc(title)}'{w_attr} src='data:image/png;base64,{b64}'><figcaption>{_esc(title)}</figcaption></figure>"


def _png_width(png: bytes) -> int:
    return int.from_bytes(png[16:20], "big") if png[:8] == b"\x89PNG\r\n\x1a\n" else 0


def _emissions_table(tables, L: Labels, lang: str) -> str:
    em = tables.get("emissions")
    if em is None or em.empty:
        return ""
    wide = em.pivot_table(index="sector", columns="year", values="value_mtco2", aggfunc="sum").fillna(0.0)
    wide = wide.loc[wide.abs().sum(axis=1) > 1e-9]
    years = list(wide.columns)
    if len(years) > 8:  # long horizons: every fifth year and the last
        years = sorted({*years[::5], years[-1]})
    head = f"<th class='l'>{_p('sector', lang)}</th>" + "".join(f"<th>{y}</th>" for y in years)
    body = "".join(
        f"<tr><td class='l'>{_esc(L(s))}</td>" + "".join(f"<td>{_num(wide.loc[s, y], 3)}</td>" for y in years) + "</tr>" for s in wide.index
    )
    total = "".join(f"<td><b>{_num(wide[y].sum(), 4)}</b></td>" for y in years)
    return (
        f"<table><tr>{head}</tr>{body}<tr><td class='l'><b>{_p('total', lang)}</b></td>{total}</tr></table><p class='muted'>Mt CO2/yr</p>"
    )


def _indicator(tables, name: str):
    ind = tables.get("indicators")
    if ind is None or ind.empty:
        return None
    last = ind[(ind["indicator"] == name) & (ind["year"] == ind["year"].max())]
    return (int(last["year"].iloc[0]), float(last["value"].iloc[0]), str(last["unit"].iloc[0])) if len(last) else None


def summary_paragraph(tables, scenario: str, head, limits: pd.DataFrame, L: Labels, lang: str, baseline_note: str = "") -> str:
    """The first paragraph in plain words (``head`` is a :class:`simulator.results.compare.Headline` or None)."""
    card = tables.get("scorecard")
    binding, missed = [], []
    if card is not None and not card.empty:
        c = in_clause_order(card)
        met = c["met"].astype(str).str.lower().isin(["true", "1"]).to_numpy()
        missed = [L(i) for i, ok in zip(c["id"], met, strict=True) if not ok]
        binding = [L(i) for i, s, ok in zip(c["id"], c["shadow_price"], met, strict=True) if abs(float(s)) > 1e-6 and ok]
    lim_names = [f"{L(n)} ({L('limit:' + str(c))})" for n, c in zip(limits["name"].head(4), limits["column"].head(4), strict=True)]
    if lang == "zh":
        lim_names = [x.replace(" (", "（").replace(")", "）") for x in lim_names]
    name = L.scenario(scenario)
    sep = "、" if lang == "zh" else ", "
    if lang == "zh":
        parts = []
        if head is not None:
            inv = f"投资{head.d_investment_mcny / 1000:,.2f}十亿元、" if head.d_investment_mcny is not None else ""
            cut = -head.d_co2_mt
            parts.append(
                f"按模型测算，{name}中的武政办〔2024〕56号比{L.scenario(head.base)}增加{inv}总成本现值{head.d_cost_pv_mcny:,.0f}百万元，"
                f"{head.year}年{'减少' if cut >= 0 else '增加'}二氧化碳排放{abs(cut):.2f}百万吨，"
                f"终端能源消费{'减少' if head.d_final_energy_mtce <= 0 else '增加'}{abs(head.d_final_energy_mtce):.2f}百万吨标准煤；"
                f"目标达成{head.targets_met}/{head.n_targets}项（{L.scenario(head.base)}本身可达成{head.base_targets_met}项）。"
            )
        else:
            parts.append(f"{name}：{baseline_note}")
            parts.append("" if baseline_note.endswith("。") else "。")
        if missed:
            parts.append(f"未达成的目标（软约束，按罚金计入成本）：{sep.join(missed)}。")
        parts.append(f"起约束作用的目标：{sep.join(binding) if binding else '无'}。")
        parts.append(f"规划所依赖的限制：{sep.join(lim_names) if lim_names else '无'}。")
        return "".join(parts)
    parts = []
    if head is not None:
        inv = f"{head.d_investment_mcny / 1000:,.2f} bn CNY of investment and " if head.d_investment_mcny is not None else ""
        cut = -head.d_co2_mt
        parts.append(
            f"Wuhan's 武政办〔2024〕56号 as modelled in the {scenario} scenario adds {inv}{head.d_cost_pv_mcny:,.0f} M CNY of present-value cost "
            f"over the {L.scenario(head.base)}, {'cuts' if cut >= 0 else 'adds'} {abs(cut):.2f} Mt CO2 in {head.year} and "
            f"{'lowers' if head.d_final_energy_mtce <= 0 else 'raises'} final energy use by {abs(head.d_final_energy_mtce):.2f} Mtce; "
            f"it meets {head.targets_met} of {head.n_targets} targets, of which the baseline meets {head.base_targets_met} anyway."
        )
        if head.d_investment_mcny is None:
            parts.append("(This run's cost table has no investment column, so investment is not stated.)")
    else:
        parts.append(f"{name}: {baseline_note}" + ("" if baseline_note.endswith(".") else "."))
    if missed:
        parts.append(f"Targets missed (soft, their shortfall penalised in the cost): {sep.join(missed)}.")
    parts.append(f"Targets that bind: {sep.join(binding) if binding else 'none'}.")
    parts.append(f"Limits the plan sits on: {sep.join(lim_names) if lim_names else 'none'}.")
    return " ".join(parts)


def data_caveat(inputs, lang: str) -> str:
    """The share of input values (hourly profiles aside) that rest on estimates, from the data set's sources."""
    from simulator.intake import datacheck

    frame = datacheck.summarise(inputs)
    rest = frame[frame["table"] != "profiles_hourly"]
    values = int(rest["values"].sum())
    est = int(rest["estimate"].sum())
    off = int(rest["official"].sum())
    share = 100.0 * est / values if values else 0.0
    if lang == "zh":
        return (
            f"输入数据（不含逐时曲线）共{values}个数值，其中{est}个（{share:.0f}%）为估算值，{off}个来自官方统计；"
            "结果应视为情景分析，而非预测。各数值的来源见 inputs/ 目录下的 sources*.csv，运行 `transim inputs` 可查看明细。"
        )
    return (
        f"Of the {values} input values (hourly profiles aside), {est} ({share:.0f} %) are estimates and {off} come from official "
        "statistics; read the results as a scenario analysis, not a forecast. Every value's source is in the data set's "
        "sources*.csv; `transim inputs` lists them by table."
    )


def render_report(
    tables: dict[str, pd.DataFrame],
    scenario: str,
    description: str,
    charts: dict[str, bytes],
    meta: dict,
    lang: str = "en",
    specs: dict | None = None,
    head=None,
    baseline_note: str = "",
    caveat: str = "",
) -> str:
    """The report as one HTML string; ``charts`` maps chart stem → PNG bytes; ``meta`` label → value (provenance)."""
    L = Labels(lang)
    specs = specs or {}
    limits = binding_limits(tables)
    years = sorted(tables["costs"]["year"].unique()) if tables.get("costs") is not None else []
    span = f"{years[0]}–{years[-1]}" if years else ""
    parts = [
        f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{_esc(_p('title', lang))} — {_esc(L.scenario(scenario))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_esc(_p('title', lang))}: {_esc(L.scenario(scenario))}, {span}</h1>",
        f"<p class='lead'>{_esc(summary_paragraph(tables, scenario, head, limits, L, lang, baseline_note))}</p>",
    ]
    if description and lang != "zh":
        parts.append(f"<p class='muted'>{_esc(description)}</p>")
    figs = []
    c = tables.get("costs")
    if c is not None and not c.empty:
        figs.append((_p("pv cost", lang), _num((c["value_mcny"] * c["discount_factor"]).sum()), "M CNY"))
        if "investment_mcny" in c.columns:
            figs.append((_p("investment", lang), _num(c["investment_mcny"].sum()), "M CNY"))
    prices = tables.get("prices")
    if prices is not None and not prices.empty:
        from simulator.results.tables import load_weighted_price

        weighted = load_weighted_price(prices)
        figs.append((f"{_p('price', lang)} ({int(weighted.index[-1])})", _num(weighted.iloc[-1]), "CNY/kWh"))
    for key, name in (
        ("co2", "city.co2"),
        ("final energy", "city.final_energy"),
        ("electricity use", "city.electricity_use"),
        ("pv capacity", "power.pv_capacity"),
        ("storage power", "power.storage_power"),
        ("green share", "power.green_share"),
    ):
        got = _indicator(tables, name)
        if got is not None:
            figs.append((f"{_p(key, lang)} ({got[0]})", _num(got[1]), got[2]))
    if figs:
        parts.append(_kv_table(figs, L, lang))
    parts.append(f"<h2>1 {_esc(_p('targets', lang))}</h2>")
    card = tables.get("scorecard")
    if card is None or card.empty:
        parts.append("<p>—</p>")
    else:
        parts.append(_targets_table(card, specs, L, lang))
    parts.append(f"<h2>2 {_esc(_p('limits', lang))}</h2>")
    parts.append(_limits_table(limits, L, lang))
    titles = {
        "emissions": L("CO2 emissions by sector"),
        "energy_use": L("Energy use"),
        "macc": L("Energy-saving cost curve"),
        "capacity": L("Capacity"),
        "supply_mix": L("Electricity supply mix"),
        "dispatch": L("Dispatch"),
        "price_duration": L("Electricity price duration"),
        "costs": L("Cost by part"),
    }
    for i, (section, names) in enumerate(SECTIONS.items(), start=3):
        parts.append(f"<h2>{i} {_esc(_p(section, lang))}</h2>")
        if section == "emissions":
            parts.append(_emissions_table(tables, L, lang))
        for name in names:
            parts.append(_figure(name, charts.get(name), titles.get(name, name)))
    parts.append(f"<h2>7 {_esc(_p('caveat', lang))}</h2><p>{_esc(caveat)}</p>")
    parts.append(f"<h2>8 {_esc(_p('version', lang))}</h2>")
    rows = "".join(f"<tr><td class='l'>{_esc(k)}</td><td class='l wrap'><code>{_esc(v)}</code></td></tr>" for k, v in meta.items())
    parts.append(f"<table>{rows}</table>")
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


# --------------------------------------------------------------------------- baseline and writer


def find_baseline(folder: Path, manifest: dict, explicit: Path | None = None):
    """The baseline run to compare with: ``explicit``, else the newest ``<out>/baseline/<stamp>`` of the same data and horizon.

    Returns (compare.Run or None, note). ``folder`` is the run folder being written (``<out>/<scenario>/<stamp>``).
    """
    from simulator.errors import InputError
    from simulator.results import compare

    candidates = [Path(explicit)] if explicit else sorted((folder.parent.parent / "baseline").glob("[0-9]*"), reverse=True)
    for cand in candidates:
        if not (cand / "manifest.json").is_file():
            continue
        run = compare.load_run(cand)
        m = run.manifest
        same = (
            m.get("dataset") == manifest.get("dataset")
            and m.get("years") == manifest.get("years")
            and m.get("base_year") == manifest.get("base_year")
            and all(m.get("input_sha256", {}).get(k, v) == v for k, v in manifest.get("input_sha256", {}).items())
        )
        if same:
            return run, ""
        if explicit:
            raise InputError(f"--baseline {cand}: another data set or horizon than this run (compare needs the same)")
    return None, Labels("en")("report:no baseline")


def write_run_report(outcome, folder: str | Path, lang: str = "en", baseline: Path | None = None) -> list[str]:
    """Run-folder writer, after manifest.json: ``report.html`` from the tables, ``charts/*.png`` and the baseline run."""
    from simulator.results import compare
    from simulator.results.charts import resolve_lang

    folder = Path(folder)
    lang, _font, _notes = resolve_lang(lang)
    charts = {p.stem: p.read_bytes() for p in sorted((folder / "charts").glob("*.png"))}
    scenario = outcome.prepared.scenario
    res = outcome.result
    man_path = folder / "manifest.json"
    manifest = json.loads(man_path.read_text(encoding="utf-8")) if man_path.is_file() else {}
    notes: list[str] = []
    head, baseline_note = None, ""
    if scenario.spec.targets:
        base_run, baseline_note = find_baseline(Path(str(folder).replace(".partial", "")), manifest, baseline)
        if base_run is None:
            notes.append(f"report: {baseline_note}")
            baseline_note = _p("no baseline", lang)
        else:
            factor = scenario.spec.accounting.electricity_calorific_kgce_per_kwh
            tables = dict(outcome.tables)
            eu = tables.get("energy_use")
            if eu is not None:
                tables["energy_use"] = eu.assign(mtce=eu["value"] * np.where(eu["unit"] == "TWh", factor, 1.0))
            this = compare.Run(label=scenario.name, folder=folder, manifest=manifest, tables=tables)
            heads = compare.headlines([base_run, this])
            head = heads[0] if heads else None
    else:
        baseline_note = (
            "本情景不设目标，是比较其他情景的基准。"
            if lang == "zh"
            else "this scenario sets no targets; it is the baseline other runs are compared with."
        )
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver = version("transim")
    except PackageNotFoundError:
        ver = "unknown"
    meta = {
        _p("version:transim", lang): ver,
        _p("version:commit", lang): (manifest.get("code") or {}).get("git_commit") or "–",
        _p("version:manifest", lang): hashlib.sha256(man_path.read_bytes()).hexdigest() if man_path.is_file() else "–",
        _p("version:slices", lang): outcome.prepared.time.label if lang != "zh" else f"{outcome.prepared.time.n} 个时段",
        _p("version:status", lang): f"{Labels(lang)(res.status)}, {res.objective:,.1f} {Labels(lang).unit('M CNY')}",
    }
    specs = {t.id: t for t in scenario.spec.targets}
    text = render_report(
        outcome.tables,
        scenario.name,
        scenario.spec.description.strip(),
        charts,
        meta,
        lang=lang,
        specs=specs,
        head=head,
        baseline_note=baseline_note,
        caveat=data_caveat(outcome.prepared.inputs, lang),
    )
    (folder / "report.html").write_text(text, encoding="utf-8")
    return notes

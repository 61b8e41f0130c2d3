"""The one translation table of every label a run shows: charts, report, summary, measure names.

``TERMS`` maps a key (a technology, carrier, sector, measure or target id, or
an English phrase) to its (English, Simplified Chinese) text. :class:`Labels`
looks keys up for one language; ``sector:component`` keys are translated part
by part. Keys not in the table fall back to the key with ``_`` as spaces in
English and to the key itself in Chinese (a test checks that every key a run
shows is in the table, so a ``--lang zh`` report has no English label).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: key → (English, 简体中文)
TERMS: dict[str, tuple[str, str]] = {
    # ---------------------------------------------------------------- technologies and flows
    "pv_utility": ("PV utility", "集中式光伏"),
    "pv_ci_rooftop": ("PV C&I rooftop", "工商业屋顶光伏"),
    "pv_public_rooftop": ("PV public rooftop", "公共建筑屋顶光伏"),
    "pv_residential_rooftop": ("PV residential rooftop", "居民屋顶光伏"),
    "pv": ("PV", "光伏"),
    "wind": ("wind", "风电"),
    "biomass": ("biomass", "生物质发电"),
    "waste_to_energy": ("waste to energy", "垃圾发电"),
    "coal_chp": ("coal CHP", "燃煤热电"),
    "gas_ccgt": ("gas CCGT", "燃气发电"),
    "hydro": ("hydro", "水电"),
    "import_grid": ("grid import", "电网购电"),
    "import_green": ("green import", "绿电入汉"),
    "storage_battery_lfp": ("battery (LFP)", "磷酸铁锂储能"),
    "storage_discharge": ("storage discharge", "储能放电"),
    "storage_charge": ("storage charge", "储能充电"),
    "storage": ("storage", "储能"),
    "curtailment": ("curtailment", "弃电"),
    "plant_opex": ("plant O&M", "电厂运维"),
    "grid_expansion": ("grid reinforcement", "电网扩容"),
    "storage_throughput": ("storage wear (throughput)", "储能循环损耗"),
    "carbon": ("carbon price", "碳价"),
    "measures": ("energy-saving measures", "节能措施"),
    "fuel": ("fuel", "燃料"),
    "demand": ("demand", "用电负荷"),
    "demand + charging": ("demand + storage charging", "用电负荷 + 储能充电"),
    "existing": ("standing in base year", "基准年存量"),
    "new": ("built since base year", "基准年后新建"),
    "unserved": ("unserved load", "缺电"),
    # ---------------------------------------------------------------- carriers
    "electricity": ("electricity", "电力"),
    "coal": ("coal", "煤炭"),
    "coke": ("coke", "焦炭"),
    "gas": ("gas", "天然气"),
    "oil": ("oil", "石油"),
    "diesel": ("diesel", "柴油"),
    "gasoline": ("gasoline", "汽油"),
    "jet_fuel": ("jet fuel", "航空煤油"),
    "heat": ("heat", "热力"),
    "hydrogen": ("hydrogen", "氢"),
    # ---------------------------------------------------------------- sectors
    "power": ("power", "电力部门"),
    "steel": ("steel", "钢铁"),
    "petrochemicals": ("petrochemicals", "石化"),
    "buildings": ("buildings", "建筑"),
    "transport": ("transport", "交通"),
    "other": ("other", "其他"),
    "city": ("city", "全市"),
    # ---------------------------------------------------------------- cost groups (costs chart, compare)
    "cost:fuel": ("fuel (all sectors)", "燃料（各部门）"),
    "cost:electricity": ("purchased electricity", "外购电"),
    "cost:pv_storage": ("PV and storage", "光伏与储能"),
    "cost:measures": ("energy-saving measures", "节能措施"),
    "cost:grid_plants": ("grid and plant O&M", "电网扩容与电厂运维"),
    "cost:carbon": ("carbon price", "碳价"),
    # ---------------------------------------------------------------- measures
    "commercial_retrofit": ("commercial building retrofit", "既有商业建筑节能改造"),
    "geothermal_heating": ("geothermal heating", "地热供暖"),
    "heat_pump_gas_commercial": ("heat pumps replacing gas (commercial)", "商业建筑热泵替代燃气"),
    "heat_pump_gas_public": ("heat pumps replacing gas (public)", "公共建筑热泵替代燃气"),
    "heat_pump_water_residential": ("heat-pump water heaters (homes)", "居民热泵热水器"),
    "new_commercial_electric": ("all-electric new commercial buildings", "新建商业建筑全电气化"),
    "new_public_electric": ("all-electric new public buildings", "新建公共建筑全电气化"),
    "new_residential_75": ("new homes at the 75 % standard", "新建居住建筑75%节能标准"),
    "public_retrofit": ("public building retrofit", "既有公共建筑节能改造"),
    "solar_water_heating_residential": ("solar water heaters (homes)", "居民太阳能热水"),
    "waste_heat_heating": ("industrial waste heat for heating", "工业余热供暖"),
    "ethylene_cracking_furnace_upgrade": ("ethylene cracking furnace upgrade", "乙烯裂解炉升级"),
    "ethylene_electric_cracking_furnace": ("electric ethylene cracking furnace", "乙烯电裂解炉"),
    "ethylene_electrified_compressors": ("electric compressors (ethylene)", "乙烯压缩机电驱改造"),
    "ethylene_heat_pumps": ("heat pumps (ethylene)", "乙烯装置热泵"),
    "ethylene_process_control": ("process control (ethylene)", "乙烯装置先进控制"),
    "ethylene_tle_waste_heat": ("TLE waste heat (ethylene)", "乙烯急冷锅炉余热回收"),
    "refining_electrified_compressors": ("electric compressors (refining)", "炼油压缩机电驱改造"),
    "refining_furnace_upgrade": ("furnace upgrade (refining)", "炼油加热炉升级"),
    "refining_heat_exchanger_network": ("heat-exchanger network (refining)", "炼油换热网络优化"),
    "refining_heat_pumps": ("heat pumps (refining)", "炼油装置热泵"),
    "refining_process_control": ("process control (refining)", "炼油装置先进控制"),
    "refining_waste_heat_steam": ("waste-heat steam (refining)", "炼油余热发汽"),
    "coke_dry_quenching": ("coke dry quenching", "干熄焦"),
    "energy_management_system": ("energy management system", "能源管控系统"),
    "hydrogen_bf_injection": ("hydrogen blast-furnace injection", "高炉喷氢"),
    "motors_drives": ("efficient motors and drives", "高效电机与变频"),
    "scrap_eaf_shift": ("shift to scrap EAF steel", "废钢电炉短流程替代"),
    "sinter_waste_heat_power": ("sinter waste-heat power", "烧结余热发电"),
    "trt_dry_upgrade": ("dry TRT upgrade", "干式TRT改造"),
    "airport_ground_power": ("airport ground power", "机场地面电源"),
    "charging_piles": ("charging piles", "充电桩"),
    "ev_bus": ("electric buses", "电动公交车"),
    "ev_heavy_truck": ("electric heavy trucks", "电动重卡"),
    "ev_logistics_van": ("electric logistics vans", "电动物流车"),
    "ev_private_car": ("electric private cars", "电动私家车"),
    "ev_taxi_ridehail": ("electric taxis and ride-hailing", "电动出租车与网约车"),
    "intermodal_rail_water": ("rail–water intermodal", "铁水联运"),
    "shore_power": ("shore power", "岸电"),
    # ---------------------------------------------------------------- targets (ids of the reference scenario)
    "airport-ground-power": ("airport ground power", "机场地面辅助电源"),
    "building-renewable-share": ("building renewable share", "建筑可再生能源替代率"),
    "charging-piles": ("charging piles", "充电桩"),
    "ethylene-intensity": ("ethylene energy intensity", "吨乙烯综合能耗"),
    "factory-roof-pv": ("factory roof PV", "新建厂房屋顶光伏"),
    "green-power-share": ("green power share", "绿电消纳比例"),
    "intermodal-growth": ("rail–water intermodal growth", "铁水联运增长"),
    "new-energy-storage": ("storage with new PV", "新能源+储能"),
    "public-electrification": ("electric new public buildings", "新建公共建筑电气化"),
    "public-roof-pv": ("public roof PV", "公共机构屋顶光伏"),
    "pv-capacity": ("PV capacity", "光伏装机"),
    "refining-intensity": ("refining energy intensity", "吨原油加工能耗"),
    "renewable-production": ("renewable production", "可再生能源生产能力"),
    "residential-efficiency": ("75 % standard for new homes", "新建居住建筑能效75%"),
    "shore-power": ("shore power", "岸电覆盖"),
    "steel-intensity": ("steel energy intensity", "吨钢综合能耗"),
    "energy-intensity": ("energy per GDP", "单位GDP能耗"),
    # ---------------------------------------------------------------- scenarios
    "reference": ("reference (targets of Doc. 56/2024)", "参考情景"),
    "baseline": ("baseline (no targets)", "基准情景（无目标）"),
    "reference-2060": ("reference to 2060", "参考情景至2060年"),
    # ---------------------------------------------------------------- chart titles and axes
    "Capacity": ("Capacity", "装机容量"),
    "CO2 emissions by sector": ("CO2 emissions by sector", "分部门二氧化碳排放"),
    "Electricity price duration": ("Electricity price duration", "电价持续曲线"),
    "PV capacity by class": ("PV capacity by class", "光伏装机（按类型）"),
    "Storage power": ("Storage power", "储能功率"),
    "Storage energy": ("Storage energy", "储能容量"),
    "Import channels": ("Import channels", "外购电通道"),
    "Electricity supply mix": ("Electricity supply mix", "电力供应结构"),
    "Dispatch": ("Dispatch", "电力调度"),
    "summer day": ("summer day", "夏季典型日"),
    "winter day": ("winter day", "冬季典型日"),
    "hour of day": ("hour of day", "小时"),
    "Energy use": (
        "Energy use: final energy by end-use sector, and fuel for power generation",
        "能源消费：各终端部门终端能源消费及发电用燃料",
    ),
    "fuel for power generation (not final energy)": ("fuel for power generation (not final energy)", "发电用燃料（不计入终端能源）"),
    "baseline (no measures)": ("without measures", "无节能措施"),
    "carrier": ("carrier", "能源品种"),
    "Target scorecard": ("Target scorecard", "目标完成情况"),
    "value as % of target": ("value as % of target", "完成值占目标值"),
    "clipped": ("≥ 200 % clipped", "≥ 200 % 截断"),
    "met": ("met", "达成"),
    "missed": ("missed", "未达成"),
    "scenario number": ("the scenario's number: the policy gives none", "情景设定值（政策未给数值）"),
    "shadow price": ("shadow price", "影子价格"),
    "in": ("in", "年"),
    "Energy-saving cost curve": ("Energy-saving cost curve of measures", "节能措施成本曲线"),
    "adoption by": ("adoption by", "采用截至"),
    "energy saved": ("energy saved at full potential", "全部潜力节能量"),
    "cost per tce saved": ("net cost per tce saved", "单位节能量净成本"),
    "adopted": ("adopted in the plan", "规划采用"),
    "not adopted": ("potential not adopted", "未采用潜力"),
    "Cost by part": ("Cost by part", "分项成本"),
    "Investment-driven parts": ("What the plan invests in", "规划投资相关成本"),
    "undiscounted": ("undiscounted", "未折现"),
    "year": ("year", "年份"),
    "base year": ("base year", "基准年"),
    "total": ("total", "合计"),
    "total demand": ("total demand", "总用电量"),
    "weight": ("weight", "代表天数"),
    "days": ("days", "天"),
    "day": ("day", "第"),
    "of which PV": ("of which PV", "其中光伏"),
    "electricity at": ("electricity at", "电力折算系数"),
    # ---------------------------------------------------------------- report phrases (results/report.py)
    "report:title": ("Energy-transition plan", "能源转型规划"),
    "report:summary": ("Summary", "摘要"),
    "report:targets": ("Targets, in the order of the policy's clauses", "目标（按政策条款顺序）"),
    "report:limits": ("Limits the plan sits on", "规划所依赖的限制"),
    "report:emissions": ("Emissions", "排放"),
    "report:energy": ("Energy", "能源"),
    "report:power": ("Power", "电力"),
    "report:costs": ("Costs", "成本"),
    "report:caveat": ("Data caveat", "数据说明"),
    "report:version": ("Version and provenance", "版本与溯源"),
    "report:clause": ("clause", "条款"),
    "report:clause text": ("clause text (56号)", "条款原文"),
    "report:target": ("target", "目标"),
    "report:basis": ("basis", "依据"),
    "report:basis:policy": ("policy", "政策"),
    "report:basis:scenario": ("scenario choice", "情景设定"),
    "report:year": ("year", "年份"),
    "report:value": ("value", "结果"),
    "report:met?": ("met?", "是否达成"),
    "report:shadow": ("shadow price", "影子价格"),
    "report:input": ("input", "输入"),
    "report:limit value": ("limit", "限值"),
    "report:years binding": ("years binding", "约束年数"),
    "report:relax saving": ("saving if relaxed by 10 % (M CNY, present value)", "放宽10%可节省（百万元，现值）"),
    "report:sector": ("sector", "部门"),
    "report:total": ("total", "合计"),
    "report:item": ("item", "项目"),
    "report:unit": ("unit", "单位"),
    "report:full potential": ("adopted to its full potential", "已采用至全部潜力"),
    "report:no limits": ("No input limit binds.", "没有输入限制起约束作用。"),
    "report:shadow note": (
        "Shadow price: what tightening the target by one unit would add to the total cost (present value); "
        "0 means the target does not bind: the plan meets it anyway. It is the present value over the whole horizon: what a "
        "2026 target forces to be built stays built and costs every later year, so the same target has a larger shadow price "
        "in a run to 2060 than in one to 2026; the smaller figure below it is the same per year of the horizon after the target year.",
        "影子价格：目标每收紧一个单位，总成本（现值）增加的数额；为0表示该目标不起约束作用，规划本身即可达成。影子价格为整个规划期的现值："
        "为达成2026年目标而建设的设施在此后各年持续产生成本，因此同一目标在规划至2060年的情景中影子价格更高；其下方较小的数字为目标年之后每年的数值。",
    ),
    "report:no baseline": (
        "no baseline run of the same data set and years was found beside this run, so the differences to the baseline are not "
        "stated (first run a scenario without targets over the same years into the same --out, e.g. "
        "`transim run scenarios/baseline.yaml`, or pass --baseline RUN_DIR).",
        "未在本次运行旁找到相同数据和年份的基准情景运行，因此未给出与基准情景的差异（请先以相同年份和相同输出目录运行无目标情景，"
        "或通过 --baseline 指定基准运行目录）。",
    ),
    "report:investment": ("Overnight investment over the horizon (undiscounted)", "规划期一次性投资（未折现）"),
    "report:price": ("Electricity price, load-weighted", "负荷加权电价"),
    "unit:CNY/kWh": ("CNY/kWh", "元/kWh"),
    "report:pv cost": ("Total cost, present value", "总成本现值"),
    "report:final energy": ("Final energy use", "终端能源消费"),
    "report:electricity use": ("Electricity use", "全社会用电量"),
    "report:co2": ("CO2 emissions", "二氧化碳排放"),
    "report:pv capacity": ("PV capacity", "光伏装机"),
    "report:storage power": ("Storage power", "储能功率"),
    "report:green share": ("Green power share", "绿电消纳比例"),
    "report:version:transim": ("transim version", "transim 版本"),
    "report:version:commit": ("code commit", "代码提交"),
    "report:version:manifest": ("SHA-256 of manifest.json", "manifest.json 的 SHA-256"),
    "report:version:created": ("run folder", "运行目录"),
    "report:version:slices": ("time slices", "时间切片"),
    "report:version:status": ("solver status", "求解状态"),
    "optimal": ("optimal", "最优"),
    # ---------------------------------------------------------------- compare (results/compare.py, `transim compare`)
    # templates: ``L(key).format(...)``; the same placeholders in both languages
    "compare:headline": ("{run} − {base}: ", "{run} − {base}："),
    "compare:investment": ("investment {value} bn CNY", "投资 {value} 十亿元"),
    "compare:pv cost": ("present-value cost {value} M CNY", "总成本现值 {value} 百万元"),
    "compare:co2": ("CO2 in {year} {value} Mt", "{year}年CO2 {value} 百万吨"),
    "compare:final energy": ("final energy in {year} {value} Mtce", "{year}年终端能源 {value} 百万吨标煤"),
    "compare:targets met": ("targets met {met} of {n} ({base}: {base_met})", "目标达成 {met}/{n}（{base} {base_met}/{n}）"),
    "compare:per t": ("; {value} CNY per t CO2 avoided", "；每减排1吨CO2成本 {value} 元"),
    "compare:compared": ("compared: {runs}", "已比较：{runs}"),
    "compare:total cost": ("  total cost (present value) {run}: {value} M CNY", "  总成本现值 {run}：{value} 百万元"),
    "compare:table": (
        "difference table: {path} ({rows} rows; column names in English)",
        "差值表：{path}（{rows} 行；列名为英文，供程序读取）",
    ),
    "compare:charts": ("charts: {names} in {folder}", "图表：{names}，位于 {folder}"),
    "compare:vs": (" vs ", " 对比 "),
    "compare:sep": (", ", "、"),
    "compare:side by side": ("side by side", "并列对比"),
    "compare:identical": ("{title} (identical in all runs)", "{title}（各运行相同）"),
    "compare:diff axis": ("difference ({unit}); > 0: more in {runs}", "差值（{unit}）；> 0：{runs}更多"),
    "compare:diff title total": ("{runs} − {base}: total {value} {unit}", "{runs} − {base}：合计 {value} {unit}"),
    "compare:capacity": ("Capacity in {year} (GW)", "{year}年装机容量（GW）"),
    "compare:costs": ("Cost by component, present value {first}–{last} (M CNY)", "分项成本现值，{first}–{last}年（百万元）"),
    "compare:supply": (
        "Electricity supply in {year} (TWh/yr, storage discharge not counted)",
        "{year}年电力供应（TWh/yr，不计储能放电）",
    ),
    "compare:energy": (
        "Final energy use by carrier in {year} (Mtce/yr, electricity at {factor} kgce/kWh)",
        "{year}年分品种终端能源消费（Mtce/yr，电力按 {factor} kgce/kWh 折算）",
    ),
    "compare:emissions": ("CO2 emissions", "二氧化碳排放"),
    "compare:emissions diff": ("difference (Mt CO2/yr)", "差值（Mt CO2/yr）"),
    "compare:less co2": ("{runs} − {base} (< 0: less CO2)", "{runs} − {base}（< 0：CO2更少）"),
    "compare:headline title": ("What {runs} change against {base} (run − {base})", "{runs}相对{base}的变化（运行 − {base}）"),
    "compare:h investment": ("investment (bn CNY, undiscounted)", "投资（十亿元，未折现）"),
    "compare:h pv cost": ("cost, present value (M CNY)", "总成本现值（百万元）"),
    "compare:h co2": ("CO2 in {year} (Mt CO2/yr)", "{year}年CO2（Mt CO2/yr）"),
    "compare:h final energy": ("final energy in {year} (Mtce/yr)", "{year}年终端能源（Mtce/yr）"),
    "compare:h targets": ("targets met (count)", "达成目标数（个）"),
    "compare:targets title": ("Targets and their shadow prices", "目标及其影子价格"),
    "compare:target has": (
        "{run}: {value} {unit} ({status}); shadow price {price} {price_unit}",
        "{run}：{value} {unit}（{status}）；影子价格 {price} {price_unit}",
    ),
    "compare:target without": ("{run}: {value} {unit} without this target ({status})", "{run}：{value} {unit}，无此目标（{status}）"),
    "compare:would be met": ("would be met", "亦可达成"),
    "compare:would be missed": ("would be missed", "不能达成"),
    "compare:targets axis": (
        "value as % of target (%, ≥ 200 % clipped); frame green = met, red = missed; hatched = run without this target",
        "完成值占目标值（%，≥ 200 % 截断）；绿框 = 达成，红框 = 未达成；斜线 = 无此目标的运行",
    ),
    "compare:without target": ("run without this target", "无此目标的运行"),
    # ---------------------------------------------------------------- sweeps (simulator/sweep.py charts, `transim sweep`)
    "pv_total": ("PV total", "光伏合计"),
    "sweep:variants": ("variants", "变体数"),
    "sweep:no solved": ("no solved variant", "无已求解变体"),
    "sweep:identical": ("identical in all {n} variants:", "全部 {n} 个变体相同："),
    "sweep:power": ("power", "功率"),
    "sweep:energy": ("energy", "能量"),
    "sweep:capacity": ("capacity ({unit})", "装机容量（{unit}）"),
    "sweep:panel": ("{what}, {year}", "{what}，{year}年"),
    "sweep:storage panel": ("{tech} ({kind}), {year}", "{tech}（{kind}），{year}年"),
    "sweep:capacities": ("Capacities in {year} across {n} solved of {total} variants", "{year}年装机容量：{total} 个变体中已求解 {n} 个"),
    "sweep:objective": ("total system cost (present value)", "系统总成本（现值）"),
    "sweep:annual cost": ("annual cost {year}, {what}", "{year}年年度成本：{what}"),
    "sweep:all sectors": ("all sectors", "全部门"),
    "sweep:costs": (
        "Costs across {n} solved of {total} variants (real base-year CNY)",
        "成本：{total} 个变体中已求解 {n} 个（基准年不变价）",
    ),
    "sweep:share of": ("{p} % of {n}", "{n} 个中 {p} %"),
    "sweep:no data": ("no data", "无数据"),
    "sweep:all hard": ("all hard targets (variant feasible)", "全部硬约束目标（变体可行）"),
    "sweep:meeting": ("variants meeting the target (%)", "达成目标的变体比例（%）"),
    "sweep:targets": (
        "Probability of meeting each target: {optimal} optimal, {infeasible} infeasible variants\n"
        "(infeasible variants: targets met by their plan with every target relaxed)",
        "各目标达成概率：{optimal} 个最优变体，{infeasible} 个不可行变体\n（不可行变体：按放宽全部目标后的规划判断）",
    ),
    "sweep:shadow prices": (
        "Shadow prices of targets across {n} optimal variants (0 = not binding)",
        "目标影子价格：{n} 个最优变体（0 = 不起约束作用）",
    ),
    "sweep:total cost": ("total cost ({unit})", "总成本（{unit}）"),
    "sweep:pv capacity": ("PV capacity {year} (GW)", "{year}年光伏装机（GW）"),
    "sweep:sensitivity": (
        "Sensitivity: each optimal variant against each sampled parameter (infeasible variants have no plan)",
        "敏感性：各最优变体对各抽样参数（不可行变体无规划）",
    ),
    "sweep:target year": ("{target} ({year})", "{target}（{year}年）"),
    "sweep:met share": ("variants in which the target is met (%)", "目标达成的变体比例（%）"),
    "sweep:robustness": (
        "Robustness across the data's own ranges ({n} variants, Latin hypercube)",
        "数据自身取值范围内的稳健性（{n} 个变体，拉丁超立方抽样）",
    ),
    # ---------------------------------------------------------------- limits (limits.csv column → what it limits)
    "limit:potential": ("full potential", "潜力上限"),
    "limit:max_rate_per_yr": ("maximum rate per year", "年最大推广量"),
    "limit:max_gw": ("channel capacity", "通道容量上限"),
    "limit:max_duration_h": ("maximum storage duration", "最长储能时长"),
    "limit:max_build_gw_per_yr": ("maximum build per year", "年最大新增装机"),
    "limit:max_share": ("maximum share", "最大比例"),
    "limit:first_year": ("first year available", "最早可用年份"),
    # ---------------------------------------------------------------- units (words only; SI symbols stay)
    "unit:M CNY": ("M CNY", "百万元"),
    "unit:bn CNY": ("bn CNY", "十亿元"),
    "unit:thousand piles": ("thousand piles", "千个"),
    "unit:thousand vehicles": ("thousand vehicles", "千辆"),
    "unit:thousand TEU": ("thousand TEU", "千标箱"),
    "unit:million m2": ("million m2", "百万平方米"),
    "unit:Mt/yr crude steel shifted to scrap EAF": ("Mt/yr crude steel shifted to scrap EAF", "百万吨/年 粗钢转为废钢电炉"),
    "unit:Mt/yr crude steel covered": ("Mt/yr crude steel covered", "百万吨/年 粗钢覆盖量"),
    "unit:Mt/yr crude covered": ("Mt/yr crude covered", "百万吨/年 原油加工覆盖量"),
    "unit:Mt/yr ethylene covered": ("Mt/yr ethylene covered", "百万吨/年 乙烯覆盖量"),
    "unit:Mt/yr hot metal covered": ("Mt/yr hot metal covered", "百万吨/年 铁水覆盖量"),
    "unit:berths": ("berths", "个泊位"),
    "unit:stands": ("stands", "个机位"),
    "unit: per ": (" per ", "/"),
}

_ZH_JOIN = "："


@dataclass
class Labels:
    """Translates keys of :data:`TERMS` for one language (``en`` or ``zh``)."""

    lang: str = "en"

    def __call__(self, key: str) -> str:
        idx = 1 if self.lang == "zh" else 0
        if key in TERMS:
            return TERMS[key][idx]
        if "@" in key:  # a target's interim step: pv-capacity@2025
            base, step = key.split("@", 1)
            return f"{self(base)}（{step}年）" if idx else f"{self(base)} ({step})"
        if ":" in key:
            parts = key.split(":")
            return (_ZH_JOIN if idx else " – ").join(self(p) for p in parts)
        return key if idx else key.replace("_", " ")

    def fill(self, key: str, **values) -> str:
        """A template of the table filled in: ``L.fill("compare:capacity", year=2026)`` → ``2026年装机容量（GW）``."""
        return self(key).format(**values)

    @property
    def sep(self) -> str:
        """The separator of a list of names in this language (``, `` or ``、``)."""
        return self("compare:sep")

    def unit(self, text: str) -> str:
        """A unit in this language: words translated (``M CNY per %`` → ``百万元/%``), SI symbols kept."""
        if self.lang != "zh":
            return text
        out = str(text)
        for key in sorted((k for k in TERMS if k.startswith("unit:")), key=len, reverse=True):
            out = out.replace(TERMS[key][0], TERMS[key][1])
        return out

    def scenario(self, name: str) -> str:
        """A scenario's display name: the table's name, else the file's own."""
        return self(name) if name in TERMS else name


def english_labels() -> set[str]:
    """Every English text of the table that contains a Latin word (for the zh check)."""
    return {en for en, _zh in TERMS.values() if re.search(r"[A-Za-z]{3,}", en)}

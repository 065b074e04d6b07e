"""A simulated day drawn as its operators would check it: each kind of device's daily
rhythm (hourly median and the 10-90% band across devices), the rain that moves the
water levels, and incidents per hour by source. Made without a database: the small
demo city (Huangpu and Xuhui) is built in memory."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim import weather
from sim.incidents import SHANGHAI
from sim.message import Message
from sim.placement import Cells, place
from sim.plan import Plan
from sim.rhythms import local_hour
from sim.stream import Stream

FONT = "Noto Sans CJK SC, Noto Serif CJK SC, sans-serif"
PANELS = (  # (device id prefix, metric, title)
    ("streetlight", "current_a", "路灯电流 streetlight current (A)"),
    ("water-main", "flow_m3h", "供水流量 water main flow (m³/h)"),
    ("water-main", "pressure_kpa", "供水压力 water main pressure (kPa)"),
    ("bridge", "vibration_mms", "桥梁振动 bridge vibration (mm/s)"),
    ("air-station", "no2_ugm3", "二氧化氮 NO₂ (µg/m³)"),
    ("air-station", "o3_ugm3", "臭氧 O₃ (µg/m³)"),
    ("river-gauge", "level_m", "河道水位 river level (m)"),
    ("underpass-gauge", "level_m", "下立交积水 underpass water (m)"),
    ("smoke-detector", "temperature_c", "烟感温度 smoke detector temperature (°C)"),
)
SOURCE_NAMES = {"hotline": "12345热线 hotline", "patrol": "网格巡查 patrol",
                "sensor": "物联感知 sensor"}
SOURCE_COLOURS = {"hotline": "#d62728", "patrol": "#1f77b4", "sensor": "#2ca02c"}


def simulated_day(areas, day: str, seed: int = 1, devices: int = 1500) -> list[Message]:
    """Every message of one local day, devices at their real reporting intervals."""
    start = datetime.fromisoformat(day).replace(tzinfo=SHANGHAI).timestamp()
    plan = Plan(devices=devices, rate=None, seed=seed, start=start, duration=86400.0,
                reading_formats={"native": 1.0}, incident_formats={"native": 1.0},
                malformed=0.0, anomaly_every=10**9)  # the everyday city, no faults
    cells = Cells.from_areas(areas)
    return list(Stream(cells, place(cells, devices, seed), plan))


def _series(messages: list[Message]) -> dict[tuple[str, str], list[list[float]]]:
    hourly: dict[tuple[str, str], list[list[float]]] = defaultdict(lambda: [[] for _ in
                                                                            range(24)])
    for m in messages:
        if m.topic != "readings":
            continue
        doc = json.loads(m.value)
        prefix = doc["device"].rsplit("-", 1)[0]
        hour = int(local_hour(m.t))
        for metric, value in doc["values"].items():
            hourly[(prefix, metric)][hour].append(value)
    return hourly


def _incidents(messages: list[Message]) -> dict[str, np.ndarray]:
    counts = {source: np.zeros(24) for source in SOURCE_NAMES}
    for m in messages:
        if m.topic == "incidents" and not m.ref.endswith("#closed"):
            counts[m.ref.split(":")[0]][int(local_hour(m.t))] += 1
    return counts


def day_figure(messages: list[Message], seed: int, day: str) -> go.Figure:
    hours = np.arange(24) + 0.5
    figure = make_subplots(rows=4, cols=3, vertical_spacing=0.075, horizontal_spacing=0.06,
                           specs=[[{}, {}, {}]] * 3 + [[{}, {"colspan": 2}, None]],
                           subplot_titles=[p[2] for p in PANELS]
                           + ["降雨强度 rain intensity", "每小时事件数 incidents per hour"])
    hourly = _series(messages)
    for i, (prefix, metric, _) in enumerate(PANELS):
        row, col = divmod(i, 3)
        values = hourly[(prefix, metric)]
        low, mid, high = (np.array([np.percentile(v, q) if v else np.nan for v in values])
                          for q in (10, 50, 90))
        figure.add_trace(go.Scatter(x=np.r_[hours, hours[::-1]], y=np.r_[high, low[::-1]],
                                    fill="toself", line={"width": 0}, hoverinfo="skip",
                                    fillcolor="rgba(31,119,180,0.18)", showlegend=False),
                         row + 1, col + 1)
        figure.add_trace(go.Scatter(x=hours, y=mid, line={"color": "#1f77b4", "width": 3},
                                    showlegend=False), row + 1, col + 1)
    start = datetime.fromisoformat(day).replace(tzinfo=SHANGHAI).timestamp()
    minutes = np.arange(0, 86400, 300)
    figure.add_trace(go.Scatter(x=minutes / 3600, y=weather.rain(seed, start + minutes),
                                fill="tozeroy", line={"color": "#17becf"}, showlegend=False),
                     4, 1)
    for source, counts in _incidents(messages).items():
        figure.add_trace(go.Bar(x=hours, y=counts, name=SOURCE_NAMES[source],
                                marker_color=SOURCE_COLOURS[source]), 4, 2)
    figure.update_layout(
        barmode="stack", font={"family": FONT, "size": 15}, paper_bgcolor="white",
        plot_bgcolor="white", margin={"l": 60, "r": 30, "t": 110, "b": 50},
        title={"text": f"模拟城市的一天 A simulated day in demo Shanghai — {day} (seed {seed})",
               "font": {"size": 26}},
        legend={"orientation": "h", "x": 0.66, "y": 0.235, "xanchor": "center"})
    figure.update_xaxes(range=[0, 24], tickvals=list(range(0, 25, 3)), gridcolor="#eee",
                        title_text="时 hour", title_standoff=2)
    figure.update_yaxes(gridcolor="#eee", rangemode="tozero")
    return figure


def rainy_day(seed: int, after: str = "2026-06-01") -> str:
    """The first local day from `after` with a shower in the afternoon: the figure shows it."""
    first = int(datetime.fromisoformat(after).replace(tzinfo=SHANGHAI).timestamp() // 86400)
    for day in range(first, first + 60):
        for centre, _, peak in weather.episodes(seed, day):
            hour = local_hour(centre)
            if 12 <= hour <= 17 and peak > 0.6:
                return datetime.fromtimestamp(centre, SHANGHAI).date().isoformat()
    return after

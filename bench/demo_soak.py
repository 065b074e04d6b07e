"""The demo under its default load: messages per second sustained and consumer lag, with
every service running on this machine.

    .venv/bin/python bench/demo_soak.py --quick   # one minute of the demo, ~3 min in all
    .venv/bin/python bench/demo_soak.py           # ten minutes

Runs `cityops demo` (20,000 devices at 2,000 messages a second unless told otherwise: the
simulator, ingest, the alerts engine, the SLA ticker, device health, the case API, the MQTT
bridge and the dashboard, on the local stack it brings up) and, once it has printed its
logins, samples every 10 s: the messages the simulator has sent (its /healthz), each
consumer group's lag (end offsets minus committed offsets: ingest's two groups and the
alerts engine's) and the load average. A wall screen is kept open in headless Chromium
throughout, so the dashboard refreshes as at a command center.

`ratio` is the messages per second sent over the window against the rate asked for. The
last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cityops.settings import Settings  # noqa: E402
from sim.seed.people import DEMO_PASSWORD  # noqa: E402
from tests.reliability.faults.checks import Lag  # noqa: E402

EVERY_S = 10.0


def start_demo(settings: Settings, rate: float, devices: int, log_path: Path
               ) -> subprocess.Popen:
    log = log_path.open("w")
    proc = subprocess.Popen([sys.executable, "-m", "cityops", "demo", "--rate", str(rate),
                             "--devices", str(devices)], cwd=ROOT,
                            env={**os.environ, **settings.to_env()}, stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 1200
    while "CityOps demo running" not in log_path.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the demo did not start; see {log_path}")
        time.sleep(1)  # poll interval: the demo's log, another process's, has no event
    return proc


def sent(settings: Settings) -> int | None:
    url = f"http://{settings.metrics_host}:{settings.sim_metrics_port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return int(json.loads(answer.read())["sent"])
    except (OSError, ValueError, KeyError):
        return None


def open_wall(settings: Settings):
    from tests.browser.harness import chrome, login, wait_for
    driver = chrome()
    login(driver, f"http://{settings.dashboard_host}:{settings.dashboard_port}", "operator",
          DEMO_PASSWORD, "/wall")
    wait_for(driver, "#wall-map .main-svg", timeout=60)
    return driver


def sample(settings: Settings, lag: Lag, minutes: float) -> list[dict]:
    samples, end = [], time.monotonic() + minutes * 60
    while True:
        groups = lag.of_groups()
        samples.append({"t": time.monotonic(), "sent": sent(settings), "lag": groups,
                        "load": os.getloadavg()[0]})
        print(f"sent {samples[-1]['sent']}  lag {groups}  load {samples[-1]['load']:.2f}",
              file=sys.stderr, flush=True)
        if time.monotonic() >= end:
            return samples
        time.sleep(EVERY_S)


def figures(samples: list[dict], rate: float, settings: Settings) -> dict:
    first, last = samples[0], samples[-1]
    per_s = (last["sent"] - first["sent"]) / (last["t"] - first["t"])
    groups = {"ingest": settings.ingest_group,
              "ingest_incidents": f"{settings.ingest_group}-incidents",
              "alerts": settings.alerts_group}
    result = {"rate_asked": rate, "msgs_per_s": round(per_s, 1),
              "ratio": round(per_s / rate, 3),
              "minutes": round((last["t"] - first["t"]) / 60, 1)}
    for name, group in groups.items():
        lags = [s["lag"].get(group, 0) for s in samples]
        result[f"{name}_lag_max"] = max(lags)
        result[f"{name}_lag_median"] = statistics.median(lags)
        result[f"{name}_lag_end"] = lags[-1]
    result["load_avg_max"] = round(max(s["load"] for s in samples), 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one minute")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=2000.0)
    parser.add_argument("--devices", type=int, default=20_000)
    args = parser.parse_args()
    minutes = 1.0 if args.quick else args.minutes
    settings = Settings.from_env()
    log_path = Path(f"/tmp/cityops-bench-demo-{os.getpid()}.log")
    proc = start_demo(settings, args.rate, args.devices, log_path)
    driver, lag = None, Lag(settings)
    try:
        driver = open_wall(settings)
        while sent(settings) is None:  # the simulator's endpoint is up once it sends
            time.sleep(1)  # poll interval of that wait
        samples = sample(settings, lag, minutes)
    finally:
        if driver is not None:
            driver.quit()
        lag.close()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
    print(json.dumps(figures(samples, args.rate, settings)))


if __name__ == "__main__":
    main()

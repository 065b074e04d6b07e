"""The home page in Debian's headless Chromium: it renders, in Chinese, without errors."""

import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def page(dashboard_url: str) -> str:
    return f"{dashboard_url}/"


def test_page_renders_chinese_text_after_scripts_run(page, tmp_path) -> None:
    done = chromium("--virtual-time-budget=8000", "--dump-dom", page, profile=tmp_path)
    assert done.returncode == 0, done.stderr[-1000:]
    # The server sends an empty shell; this text exists only once Dash has rendered.
    assert "CityOps 城市运行中心" in done.stdout
    assert 'id="home-devices"' in done.stdout


def test_screenshot_at_wall_resolution(page, tmp_path) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "home-1920x1080.png"
    done = chromium("--window-size=1920,1080", "--virtual-time-budget=8000",
                    "--hide-scrollbars", f"--screenshot={target}", page, profile=tmp_path)
    assert done.returncode == 0, done.stderr[-1000:]
    header = target.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
    assert (width, height) == (1920, 1080)

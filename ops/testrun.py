"""`cityops test`: install what the tests need, bring up the stack, run pytest, tidy up."""

from __future__ import annotations

import os
import subprocess
import sys

from cityops.settings import REPO_ROOT, Settings
from ops import stack
from ops.system import ensure_packages

# Browser tests drive Debian's Chromium; CJK fonts make Chinese text render in it and in PDFs.
BROWSER_PACKAGES = {
    "/usr/bin/chromium": "chromium",
    "/usr/bin/chromedriver": "chromium-driver",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc": "fonts-noto-cjk",
    "pdftoppm": "poppler-utils",
}


def run(settings: Settings, pytest_args: list[str]) -> int:
    ensure_packages(BROWSER_PACKAGES)
    report = stack.up(settings)
    print("cityops test: running against", flush=True)
    for line in report.lines():
        print(f"  {line}", flush=True)
    try:
        # The tests read the same environment, so they see the same settings.
        cmd = [sys.executable, "-m", "pytest", *pytest_args]
        return subprocess.run(cmd, cwd=REPO_ROOT, env=dict(os.environ)).returncode
    finally:
        stopped = stack.down(settings, only=report.started)
        if stopped:
            print(f"cityops test: stopped {', '.join(stopped)} (started by this run)")

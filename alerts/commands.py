"""`cityops alerts` (run the engine) and `cityops alerts check` (validate rule files)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("alerts", help="the rules engine: readings and incidents -> cases")
    p.add_argument("action", nargs="?", choices=["run", "check"], default="run",
                   help="run the engine (default), or check the rule files and exit")
    p.add_argument("--rules", type=Path, default=None,
                   help="folder of *.yaml rule files (default: CITYOPS_ALERTS_RULES_DIR)")
    p.set_defaults(func=_alerts)


def _alerts(args: argparse.Namespace, settings) -> int:
    from alerts.rules.loader import RulesInvalid, load_folder
    folder = args.rules or settings.alerts_rules_dir
    try:
        if args.action == "check":
            rules = load_folder(folder)
            print(f"{len(rules)} rules OK in {folder}")
            return 0
        from alerts.service import run
        return run(settings, folder)
    except RulesInvalid as exc:
        for error in exc.errors:
            print(f"cityops: rules: {error}", file=sys.stderr)
        return 2

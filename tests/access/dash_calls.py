"""Dash callback requests built by hand, the way the renderer would send them, so the
matrix can post them straight to /_dash-update-component without a browser."""

from __future__ import annotations

import json

from dashboard.access import callback_page

CALLBACK_PATH = "/_dash-update-component"
ROUTER_OUTPUT_START = ".._pages_content.children"


def server_callbacks(dependencies: list[dict]) -> list[dict]:
    """The callbacks the server runs; clientside ones run in the browser and have nothing
    on the server to ask."""
    return [cb for cb in dependencies if not cb.get("clientside_function")]


def page_of(callback: dict) -> str | None:
    return callback_page(callback["output"])


def _output(part: str) -> dict:
    ident, _, prop = part.rpartition(".")
    return {"id": ident, "property": prop.split("@")[0]}


def _outputs(output: str) -> list[dict] | dict:
    """Dash's `outputs` field: a list for a multi-output callback, else the one output."""
    if not output.startswith(".."):
        return _output(output)
    return [_output(part) for part in output[2:-2].split("...")]


def _empty(items: list[dict]) -> list:
    """Every input/state empty; a pattern (ALL) input matches no component: an empty list."""
    return [[] if item["id"].startswith("{") else
            {"id": item["id"], "property": item["property"], "value": None} for item in items]


def empty_body(callback: dict) -> dict:
    return {"output": callback["output"], "outputs": _outputs(callback["output"]),
            "inputs": _empty(callback.get("inputs", [])),
            "state": _empty(callback.get("state", [])), "changedPropIds": []}


def find(dependencies: list[dict], start: str) -> dict:
    """The callback whose output starts with `start` (duplicate outputs carry a hash)."""
    return next(cb for cb in dependencies
                if cb["output"].startswith(start) or cb["output"].startswith(f"..{start}"))


def layout_body(dependencies: list[dict], page: str) -> dict:
    """The router's request for a page's layout, as Dash sends it on opening /<page>."""
    router = find(dependencies, ROUTER_OUTPUT_START)
    return {"output": router["output"], "outputs": _outputs(router["output"]),
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": f"/{page}"},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}


def triage_detail_body(dependencies: list[dict], case_id: int) -> dict:
    detail = find(dependencies, "triage-detail.children")
    return {"output": detail["output"], "outputs": _outputs(detail["output"]),
            "inputs": [{"id": "triage-queue", "property": "selectedRows",
                        "value": [{"id": case_id}]},
                       {"id": "triage-refresh", "property": "data", "value": 0}],
            "state": [{"id": "triage-case", "property": "data", "value": None}],
            "changedPropIds": ["triage-queue.selectedRows"]}


def _pattern(ident: dict) -> str:
    return json.dumps(ident, separators=(",", ":"), sort_keys=True)


def triage_move_body(case_id: int, version: int, action: str = "confirm") -> dict:
    button = {"action": action, "type": "triage-move"}
    return {"output": "..triage-message.children...triage-refresh.data..",
            "outputs": [{"id": "triage-message", "property": "children"},
                        {"id": "triage-refresh", "property": "data"}],
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
            "state": [{"id": "triage-case", "property": "data",
                       "value": {"id": case_id, "version": version}},
                      {"id": "triage-note", "property": "value", "value": ""},
                      {"id": "triage-refresh", "property": "data", "value": 0},
                      *UNIT_STATES],
            "changedPropIds": [_pattern(button) + ".n_clicks"]}


# The console's unit fields as a browser sends them with no unit chosen.
UNIT_STATES = ({"id": "triage-unit", "property": "value", "value": None},
               {"id": "triage-co-units", "property": "value", "value": None},
               {"id": "triage-report-minutes", "property": "value", "value": 60})


def worker_move_body(dependencies: list[dict], case_id: int, version: int,
                     action: str = "accept") -> dict:
    worker = find(dependencies, "worker-list.children")
    button = {"action": action, "id": case_id, "type": "worker-act", "version": version}
    return {"output": worker["output"], "outputs": _outputs(worker["output"]),
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}],
                       {"id": "worker-refresh", "property": "n_clicks", "value": 0}],
            "state": [[], []], "changedPropIds": [_pattern(button) + ".n_clicks"]}

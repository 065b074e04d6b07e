"""What a wall screen's browser sends on each refresh and how it folds the answer into its
memory — written down once for the load test and bench/dashboard.py, which play many
screens without a browser."""

from __future__ import annotations

import json

from dashboard.pages.wall import OUTPUTS


def refresh_body(memory: dict | None, tick: int, width: int = 1920) -> bytes:
    """The refresh callback's request as Dash's renderer posts it; no memory = first draw."""
    outputs = [{"id": o.component_id, "property": o.component_property} for o in OUTPUTS]
    output = ".." + "...".join(f"{o['id']}.{o['property']}" for o in outputs) + ".."
    return json.dumps({
        "output": output, "outputs": outputs, "changedPropIds": ["wall-tick.n_intervals"],
        "inputs": [{"id": "wall-tick", "property": "n_intervals", "value": tick},
                   {"id": "wall-width", "property": "data", "value": width}],
        "state": [{"id": "wall-memory", "property": "data", "value": memory}],
    }).encode()


def apply_patch(value, operations: list[dict]):
    """The memory's Patch applied as the browser would (the memory only gets assignments)."""
    for op in operations:
        if op["operation"] != "Assign":
            raise ValueError(f"unexpected memory operation {op['operation']}")
        *path, last = op["location"]
        target = value
        for key in path:
            target = target[key]
        target[last] = op["params"]["value"]
    return value


def next_memory(memory: dict | None, answer: bytes) -> dict:
    data = json.loads(answer)["response"]["wall-memory"]["data"]
    if isinstance(data, dict) and data.get("__dash_patch_update"):
        return apply_patch(memory, data["operations"])
    return data

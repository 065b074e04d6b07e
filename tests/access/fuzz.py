"""The HTTP API against its own OpenAPI document, with schemathesis generating the requests:
valid and invalid paths, queries and bodies, with a token and without. Every answer must be
documented (status code listed for the operation, body matching its schema, content type
declared) and none may be a server error."""

from __future__ import annotations

from dataclasses import dataclass, field

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
TIMEOUT = 30


@dataclass
class FuzzReport:
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    not_generated: list[str] = field(default_factory=list)


def _run(operation, mode: GenerationMode, examples: int, base_url: str,
         headers: dict[str, str], report: FuzzReport) -> None:
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def one(case) -> None:
        response = case.call(base_url=base_url, headers=headers, timeout=TIMEOUT)
        report.requests += 1
        report.statuses[response.status_code] = report.statuses.get(response.status_code,
                                                                    0) + 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:
            # Collected rather than raised: the run goes on and reports every kind of miss.
            # The first lines name the failure; the rest say which check and why.
            said = " | ".join(line.strip() for line in str(exc).splitlines() if line.strip())
            text = f"{case.method} {case.formatted_path} -> {response.status_code}: " \
                   f"{said[:600]} | query {case.query}"
            if len(report.failures) < 50:
                report.failures.append(text)

    try:
        one()
    except Unsatisfiable:
        # An operation with no parameters and no body has no invalid request to make.
        report.not_generated.append(f"{operation.method.upper()} {operation.path} {mode.value}")


def fuzz(document: dict, base_url: str, token: str, examples: int,
         share_key: str | None = None) -> FuzzReport:
    """`examples` generated cases per operation, per mode (valid / invalid) and per caller
    (with the token / without one; the sharing API's routes with an API key instead)."""
    schema = schemathesis.openapi.from_dict(document)
    report = FuzzReport()
    for result in schema.get_all_operations():
        operation = result.ok()
        sharing = operation.path.startswith("/share/") and share_key
        caller = ({"Authorization": f"ApiKey {share_key}"} if sharing
                  else {"Authorization": f"Bearer {token}"})
        for headers in (caller, {}):
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _run(operation, mode, examples, base_url, headers, report)
    return report

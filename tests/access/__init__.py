"""Shared pieces of the access tests (issue 8, "Access"): the expected-access table, the
request builders, and the dashboard and API servers they are sent to."""

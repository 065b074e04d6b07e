"""The HTTP API of cases for worker apps, the dashboard and integrations (docs/api.md).

One idea per module: passwords, users, tokens, login limits, area scope, masking of
citizens' details, case queries, the Flask app and its routes, the runner and commands.
"""

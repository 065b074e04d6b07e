"""The HTTP API of cases for worker apps, the dashboard and integrations (docs/api.md).

One idea per module: the Flask app and its routes, bearer-token auth, case queries and
filters, dispatching, the runner and commands. Accounts, passwords, tokens, scope, masking
and the login lock live in identity/.
"""

"""Data sharing with data security (issue #16): what other systems may read, and a record
of every read.

- `keys.py`: API keys — a client, the datasets, areas and categories it may read, PII or
  not, an expiry; only the secret's hash is stored;
- `access_log.py`: one row per request, allowed or refused, queried by admins;
- `reads.py`: the datasets (readings, rollups, incidents, cases, KPIs), each read only
  inside the key's areas and categories, bounded in time and size, masked by default.

The HTTP routes are alerts/api/routes_share.py; docs/api.md, "Sharing API".
"""

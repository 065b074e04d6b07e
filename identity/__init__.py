"""Who may log in and what they may see: accounts, passwords, sessions (tokens), area
scope, masking of citizens' details, the login lock, the one `authenticate()` behind both
logins, and the PostgreSQL connection pool their requests share.

It sits beside store/, not above it: store/ may import identity (e.g. for scope), and
identity imports nothing from alerts/, dashboard/, layers/ or sim/.
"""

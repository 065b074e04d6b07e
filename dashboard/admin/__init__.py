"""The admin page's parts (/admin, for the city IT team): devices, rules, and people.

`dashboard/pages/admin.py` puts them on tabs; each part module here holds its section's
components and callbacks, and the pure pieces (CSV checks, rule checks, row shaping) sit in
modules of their own so they can be tested without a browser or a database.
"""

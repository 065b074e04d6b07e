"""Departments and units in the case flow (issue #16): the responsibility list (权责清单)
that routes a case to the unit answering for its place and category, the directory of
units, and the whistle (吹哨报到) that calls several units to one case.

- `directory.py`: units with their tier and the areas they serve, imported from a file;
- `responsibility.py`: the list as data, its file formats, and the lookup dispatch uses;
- `whistle.py`: calling a lead unit and co-units, each with its report-in time;
- `report_ins.py`: report-ins missed, escalated one tier like any SLA.

Every change of a case still goes through `alerts.cases.moves` (the one door); this
package decides whom a case goes to and writes the rows that ride along.
"""

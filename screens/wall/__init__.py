"""The wall screen's numbers: the city's readings and incidents (`city.py`) and the case
flow's vital signs (`cases.py`), both within the viewer's area."""

"""The assessment (综合评价) a city is judged by, computed from the case history (issue #16).

- `indicators.py`: the indicator set, their formulas, weights and grades, as data
  (`default.yaml`, or the city's own file, CITYOPS_ASSESSMENT_FILE);
- `periods.py`: months and quarters on the city's clock;
- `facts.py`: what each case did in a period, read from its timeline in one query;
- `scores.py`: the figures per unit, street, district or post, the composite and ranking,
  and the cases behind every figure;
- `bulletin.py`, `exports.py`: the monthly bulletin and its CSV, Excel and PDF files.

Nothing here writes: the assessment is a reading of `alert_events` and `case_ratings`.
"""

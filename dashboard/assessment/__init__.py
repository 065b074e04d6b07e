"""The assessment page's pieces: the ranking table and the cases behind a figure."""

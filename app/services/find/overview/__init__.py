"""The national overview (report.py builds it from a Find query; documents.py makes its web page, PDF and Word
document; regions.py draws its map), notable practice (notable.py), and who works with whom
(collaboration.py)."""

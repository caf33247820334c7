"""The collaboration database: publishing approved revisions as records, their search indexes, finding
records, figures, downloads, the overview report and demo records.
"""

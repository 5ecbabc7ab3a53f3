"""The report, results/report.md and .html: it reads the tables the analysis wrote and
formats them; every comparison and verdict it states is a column of those tables.

``formatting`` holds the shared number and table formats, ``captions`` renders the one
caption file of each figure, ``chapter`` and ``beyond`` write the chapter's sections and
"Beyond the chapter", ``document`` puts them together with the provenance, and
``assemble`` reads the workflow's tables and figures for them.
"""

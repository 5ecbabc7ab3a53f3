"""The report, results/report.md and .html: it reads the tables the analysis wrote and
formats them; every comparison and verdict it states is a column of those tables.

``formatting`` holds the shared number and table formats and ``prose`` renders the
templates in ``templates/``, which hold the report's sentences. ``captions`` renders the one
caption file of each figure. ``chapter`` writes the chapter's sections; ``beyond`` puts
"Beyond the chapter" together from one module per part: ``ablation_setup``,
``learning_rates``, ``ablation`` (with ``verdicts`` and ``remedies``), ``saturation``,
``chain`` and ``depth_sweep``. ``document`` puts the sections together with the provenance,
and ``assemble`` reads the workflow's tables and figures for them.
"""

"""Read-only reports over the model: the daily flow log, the end-of-day summary and its month
view, the KPI scorecard, and their renderers (Rich, CSV, XLSX, JSON).

Reports take an open SQLAlchemy session and the settings and never write. The permission-checked
entry points are in services.reports.
"""

"""The analysis: tables across seeds, the tests and verdicts the report states."""

"""The report's sections, one concern per module; report/present.py re-exports them for the notebook."""

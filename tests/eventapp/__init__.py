"""A third code-defined publishable type, for tests only (issue 13 §1): an Event is one
model, one registration (apps.py) and one migration, and nothing else."""

"""Django's PostgreSQL backend, with psycopg's own timestamp loader (see base.py)."""

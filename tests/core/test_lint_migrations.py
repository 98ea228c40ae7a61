"""`manage.py lint_migrations` refuses a new migration that would break the running
version or lock a table, and leaves the grandfathered ones alone.

A throwaway app in a temporary folder (its own migrations, added to the test settings by a
settings module beside it) is linted in a child process, as CI's lint leg runs it, on the
suite's PostgreSQL test database; on SQLite the command says it judges PostgreSQL's SQL only.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("django_migration_linter")

BASE_DIR = Path(__file__).resolve().parents[2]
BASELINE = BASE_DIR / "core" / "migration_baseline.txt"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="lints PostgreSQL's SQL")

MIGRATIONS = {
    "0001_initial": """
        operations = [
            migrations.CreateModel(
                name="Probe",
                fields=[
                    ("id", models.BigAutoField(primary_key=True, serialize=False)),
                    ("name", models.CharField(max_length=100)),
                    ("note", models.CharField(max_length=100)),
                ],
            ),
        ]
    """,
    # The running version still selects `note`: it would fail on every read.
    "0002_drop_note": """
        dependencies = [("lintprobe", "0001_initial")]
        operations = [migrations.RemoveField(model_name="probe", name="note")]
    """,
    # CREATE INDEX (not CONCURRENTLY) blocks writes to the table while it builds.
    "0003_index_name": """
        dependencies = [("lintprobe", "0002_drop_note")]
        operations = [
            migrations.AddIndex(
                model_name="probe", index=models.Index(fields=["name"], name="probe_name_idx")
            ),
        ]
    """,
    # Expand: a nullable column, invisible to the running version.
    "0004_add_extra": """
        dependencies = [("lintprobe", "0003_index_name")]
        operations = [
            migrations.AddField(
                model_name="probe", name="extra", field=models.CharField(max_length=10, null=True)
            ),
        ]
    """,
}


@pytest.fixture
def probe_project(tmp_path: Path) -> Path:
    app = tmp_path / "lintprobe"
    (app / "migrations").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "migrations" / "__init__.py").write_text("")
    for name, body in MIGRATIONS.items():
        (app / "migrations" / f"{name}.py").write_text(
            "from django.db import migrations, models\n\n\n"
            "class Migration(migrations.Migration):\n"
            + textwrap.indent(textwrap.dedent(body).strip() + "\n", "    ")
        )
    (tmp_path / "probe_settings.py").write_text(
        "from config.settings.test import *  # noqa: F403\n\n"
        "INSTALLED_APPS = [*INSTALLED_APPS, 'lintprobe']  # noqa: F405\n"
    )
    return tmp_path


def _test_database_url() -> str:
    from django.db import connection

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return f"{base}/{connection.settings_dict['NAME']}"


def lint(project: Path, baseline: Path = BASELINE) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        # The suite's own test database (DATABASE_URL's may not exist: CI names a fresh one).
        **({"DATABASE_URL": _test_database_url()} if ON_POSTGRES else {}),
        "DJANGO_SETTINGS_MODULE": "probe_settings",
        "PYTHONPATH": f"{project}{os.pathsep}{BASE_DIR}",
        "LOG_FORMAT": "plain",
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "lint_migrations", "--baseline", str(baseline)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@postgres_only
@pytest.mark.django_db  # the suite's test database, for the child to connect to
def test_a_new_migration_that_breaks_the_running_version_is_refused(probe_project):
    proc = lint(probe_project)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "(lintprobe, 0002_drop_note)... ERR" in out
    assert "DROPPING columns" in out
    assert "Zero-downtime migrations" in proc.stderr
    # New tables and nullable columns are fine.
    assert "(lintprobe, 0001_initial)... OK" in out
    assert "(lintprobe, 0004_add_extra)... OK" in out
    # The project's own migrations are grandfathered: none is linted.
    assert "(content," not in out
    assert "(lintprobe, 0003_index_name)... ERR" in out
    assert "CREATE INDEX locks table" in out


@postgres_only
@pytest.mark.django_db
def test_grandfathered_migrations_are_not_linted(probe_project, tmp_path):
    baseline = tmp_path / "baseline.txt"
    baseline.write_text(
        BASELINE.read_text() + "lintprobe/0002_drop_note\nlintprobe/0003_index_name\n"
    )
    proc = lint(probe_project, baseline)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    # The probe's other two migrations, and any of the project's newer than the baseline.
    assert re.search(r"Erroneous migrations: 0/\d+", out), out
    assert "0002_drop_note" not in out


def test_the_baseline_names_only_migrations_that_exist():
    listed = [
        line for line in BASELINE.read_text().splitlines() if line and not line.startswith("#")
    ]
    assert listed
    for entry in listed:
        app, name = entry.split("/")
        assert (BASE_DIR / app / "migrations" / f"{name}.py").is_file(), entry


@pytest.mark.skipif(ON_POSTGRES, reason="on SQLite only")
def test_on_sqlite_it_says_it_lints_postgresql_and_passes(probe_project):
    """A fresh clone's `make lint` (SQLite) is not failed by SQLite's table rebuilds."""
    proc = lint(probe_project)
    assert proc.returncode == 0, proc.stderr
    assert "Skipped on sqlite" in proc.stdout

"""pip-audit on pinned requirements, with the result spelled out (`make audit`, CI's lint leg).

Fails on any known vulnerability that is not in IGNORED (each with its reason). A pin the
vulnerability service knows nothing about is "not audited": listed, and a failure with
FOLIO_AUDIT_STRICT=1. Where the service cannot be reached at all (a machine that reaches
only a package mirror), nothing is audited and this says so rather than passing quietly.

Usage: python .ci/audit.py requirements/prod.txt
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Vulnerability id -> why it does not apply to Folio (and when to look again).
IGNORED: dict[str, str] = {}


def main(requirements: str) -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [str(pip_audit), "-r", requirements, "--progress-spinner", "off", "-f", "json"]
    for vuln_id in IGNORED:
        command += ["--ignore-vuln", vuln_id]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(done.stdout, done.stderr, sep="\n")
        print("pip-audit did not produce a report")
        return 1
    deps = report["dependencies"]
    skipped = [d for d in deps if "skip_reason" in d]
    vulnerable = [d for d in deps if d.get("vulns")]
    audited = len(deps) - len(skipped)
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
            print(f"VULNERABLE {dep['name']}=={dep['version']}: {vuln['id']} (fixed in {fixes})")
    for vuln_id, reason in IGNORED.items():
        print(f"ignored {vuln_id}: {reason}")
    print(
        f"pip-audit {requirements}: {audited} of {len(deps)} packages audited, "
        f"{len(vulnerable)} with known vulnerabilities, {len(skipped)} not audited"
    )
    if skipped:
        names = ", ".join(d["name"] for d in skipped)
        if not audited:
            print("NOT AUDITED: the vulnerability service answered for none of the pins.")
        print(f"not audited: {names}")
    if vulnerable:
        return 1
    if skipped and os.environ.get("FOLIO_AUDIT_STRICT") == "1":
        print("FOLIO_AUDIT_STRICT=1: every pin must be audited")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

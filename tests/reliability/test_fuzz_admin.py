"""Schemathesis against the operator API's own OpenAPI schema, over real HTTP: no 500s.

The server is the real `KioskServer` with the real `KnowledgeBaseAdmin` over a real KB (eight
stations, so the many imports the fuzzer triggers stay fast); the fuzzer holds the admin token,
so requests get past authentication into validation, imports, notices and rollback.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.kit.settings import ADMIN_TOKEN, make_settings
from tests.reliability.http_harness import live_server
from tests.reliability.kbcheck import consistency_problems

MAX_EXAMPLES = 25


def test_admin_api_has_no_server_errors_under_schemathesis(small_kb_root: Path, tmp_path: Path):
    settings = make_settings(tmp_path / "var")
    report = tmp_path / "st-report.json"
    with live_server(settings, small_kb_root) as live:
        st = Path(sys.executable).with_name("st")
        done = subprocess.run(
            [
                str(st),
                "run",
                f"{live.url}/openapi.json",
                "--checks",
                "not_a_server_error",
                "--header",
                f"Authorization: Bearer {ADMIN_TOKEN}",
                "--exclude-path",
                "/events/captions",  # an endless event stream, not a request/response
                "--max-examples",
                str(MAX_EXAMPLES),
                "--phases",
                "examples,coverage,fuzzing",
                "--workers",
                "1",
                "--seed",
                "8",
                "--request-timeout",
                "20",
                "--generation-database",
                "none",
                "--report",
                "json",
                "--report-json-path",
                str(report),
                "--no-color",
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,  # schemathesis keeps a `.schemathesis/` cache in its working folder
            timeout=200,
            check=False,
        )
        status = live.admin().get("/admin/status").json()
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    cases = re.search(r"(\d+) generated, (\d+) passed", done.stdout)
    assert cases is not None, done.stdout[-2000:]
    tested = re.search(r"Tested: (\d+)", done.stdout)
    print(f"schemathesis: {cases.group(0)} over {tested[1] if tested else '?'} operations")
    assert json.loads(report.read_text())["exit_code"] == 0
    assert int(cases.group(1)) >= 200 and cases.group(1) == cases.group(2)
    # Whatever the fuzzer published or rolled back, the KB is consistent and serves.
    assert status["version"] is not None
    assert consistency_problems(small_kb_root) == []

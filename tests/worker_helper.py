"""Run by tests/test_worker_process.py in a fresh process, against the database and queue its environment names.

    python tests/worker_helper.py prepare-import ROWS

creates an administrator, uploads a generated ROWS-row opportunities file, checks it here (in this process), then
starts the import the way the page does: the import task goes into the real queue, for a real worker. Prints the
job's id.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from presales.integration import runner, services  # noqa: E402
from presales.people.models import Role  # noqa: E402
from presales.people.services import user_create  # noqa: E402


def opportunities_file(rows: int) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["项目编号", "项目名称", "客户名称", "行业", "区域", "金额", "预计签约日期", "阶段"])
    for number in range(rows):
        writer.writerow(
            [f"W-{number}", f"项目 {number}", f"客户 {number % 20}", "金融", "上海", 100000 + number, "2027-06-30", 2]
        )
    return text.getvalue().encode("utf-8-sig")


def prepare_import(rows: int) -> int:
    admin = user_create(username="worker-test", password=None, display_name="Worker Test", role=Role.ADMIN)
    job = services.import_job_create(
        actor=admin, kind="opportunities", upload=SimpleUploadedFile("deals.csv", opportunities_file(rows))
    )
    # The scan and the check run here, so the worker under test starts straight with the import (tasks still in the
    # queue then find the job past their step and do nothing).
    assert runner.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "mapping", (job.status, job.failure)
    services.import_job_set_mapping(actor=admin, job=job, mapping=job.mapping, defaults=job.defaults)
    services.import_job_set_values(actor=admin, job=job, value_map={})
    runner.run_pending()
    job.refresh_from_db()
    assert job.status == "checked" and job.error_rows == 0, (job.status, job.failure)
    services.import_job_start(actor=admin, job=job, skip_errors=False)
    return job.pk


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "prepare-import":
        print(prepare_import(int(arguments[0])))
    else:
        raise SystemExit(f"unknown command {command}")

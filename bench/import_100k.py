"""Benchmark: import a generated 100,000-row file (check pass + import pass) and report rows/s and peak RSS.

    .venv/bin/python bench/import_100k.py [--rows 100000] [--kind accounts|opportunities] [--format csv|xlsx]
                                          [--reimport]

Opportunities come with their 24-step checklists, done up to the step each deal is at (the stage column holds
playbook step names, stage names and Salesforce stages, as real files do), owners named in pinyin.

Builds a throw-away SQLite database and media folder, uploads the file as an admin through the import service,
runs the check (dry run, rolled back) and the import (one transaction), and prints the timings and the peak
resident memory of the process (resource.getrusage, kilobytes on Linux). Memory should stay flat as rows grow.
Files above PRESALES_IMPORT_BULK_THRESHOLD rows of a kind with a bulk writer (accounts) take the bulk path
(presales/integration/bulk.py); the script prints which path ran.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import configure, remove  # noqa: E402

INDUSTRIES = ["金融", "能源", "制造", "政府", "教育", "医疗"]
PROVINCES = ["北京", "上海", "广东", "四川", "湖北", "辽宁", "陕西", "浙江"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


STAGES = ["项目机会分析", "初步接触", "最终报价", "Needs Analysis", "3", "签单", "Proposal/Price Quote", "4"]
OWNERS = ["Bench Li", "李本", "bench"]


def file_rows(rows: int, kind: str, city: str) -> list[list]:
    if kind == "accounts":
        yield ["客户编号", "客户名称", "行业", "区域", "城市", "负责人"]
        for n in range(rows):
            yield [f"B-{n}", f"基准客户 {n}", INDUSTRIES[n % 6], PROVINCES[n % 8], city, "bench"]
    else:
        yield ["项目编号", "项目名称", "客户名称", "行业", "区域", "金额", "预计签约日期", "阶段", "销售"]
        for n in range(rows):
            account = f"基准客户{n % 500}" + ("有限公司" if n % 2 else "")  # matched by normalised name
            yield [
                f"D-{n}",
                f"项目 {n}",
                account,
                "金融",
                "上海",
                100000 + n,
                "2026-12-31",
                STAGES[n % len(STAGES)],
                OWNERS[n % 3],
            ]


def write_file(path: Path, rows: int, kind: str, city: str = "城市") -> None:
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in file_rows(rows, kind, city):
            sheet.append(row)
        workbook.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(file_rows(rows, kind, city))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kind", default="accounts", choices=["accounts", "opportunities"])
    parser.add_argument("--format", default="csv", choices=["csv", "xlsx"])
    parser.add_argument("--debug", action="store_true", help="keep DEBUG on (Django logs every SQL statement)")
    parser.add_argument("--reimport", action="store_true", help="then import the file again with every row changed")
    args = parser.parse_args()

    database = configure()
    media = Path(tempfile.mkdtemp(prefix="presales-bench-media-"))
    try:
        from django.conf import settings
        from django.core.files.uploadedfile import SimpleUploadedFile

        settings.MEDIA_ROOT = media
        # As in production: with DEBUG on, Django keeps the text of every SQL statement (the bulk inserts are
        # large), which would be counted in the peak RSS below. Pass --debug to measure with it on.
        settings.DEBUG = args.debug
        from presales.integration import runner, services
        from presales.integration.bulk import uses_bulk
        from presales.integration.models import ImportJob
        from presales.people.models import Role
        from presales.people.services import user_create

        admin = user_create(username="bench", display_name="李本", role=Role.ADMIN, password="bench-pw-123")  # noqa: S106
        source = media / f"bench-{args.kind}.{args.format}"
        write_file(source, args.rows, args.kind)
        print(f"load average at start: {os.getloadavg()}")
        print(
            f"{args.rows:,} {args.kind} rows, {args.format}, {source.stat().st_size / 1e6:.1f} MB; "
            f"peak RSS after setup {peak_rss_mb():.0f} MB"
        )

        def run(path: Path, label: str) -> None:
            """Upload, check and import one file; print each pass's time, rows/s and the peak RSS so far."""
            started = time.perf_counter()
            cpu_started = time.process_time()
            before_upload = peak_rss_mb()
            with path.open("rb") as handle:
                upload = SimpleUploadedFile(path.name, b"")
                upload.file = handle
                upload.size = path.stat().st_size
                job = services.import_job_create(actor=admin, kind=args.kind, upload=upload)
            uploaded = time.perf_counter()
            print(
                f"[{label}] upload request: {uploaded - started:.2f} s, peak RSS {before_upload:.0f} -> "
                f"{peak_rss_mb():.0f} MB (the file is not parsed here)"
            )
            runner.run_pending()  # the worker reads the file
            job.refresh_from_db()
            assert job.status == "mapping", job.failure
            scanned, cpu_scanned = time.perf_counter(), time.process_time()
            print(
                f"[{label}] read by the worker: {scanned - uploaded:.1f} s ({cpu_scanned - cpu_started:.1f} s CPU); "
                f"peak RSS so far {peak_rss_mb():.0f} MB"
            )
            services.import_job_set_mapping(actor=admin, job=job, mapping=job.mapping, defaults={})
            services.import_job_set_values(actor=admin, job=job, value_map={})
            runner.run_pending()
            job.refresh_from_db()
            checked, cpu_checked = time.perf_counter(), time.process_time()
            assert job.status == "checked", job.failure
            assert job.error_rows == 0, job.row_errors.first()
            services.import_job_start(actor=admin, job=job, skip_errors=False)
            runner.run_pending()
            job = ImportJob.objects.get(pk=job.pk)
            done, cpu_done = time.perf_counter(), time.process_time()
            assert job.status == "done", job.failure
            path_name = "bulk" if uses_bulk(job.kind, job.total_rows) else "services (one call per row)"
            print(f"[{label}] path: {path_name}")
            print(
                f"[{label}] check (dry run): {checked - scanned:.1f} s ({cpu_checked - cpu_scanned:.1f} s CPU), "
                f"{args.rows / (checked - scanned):,.0f} rows/s"
            )
            print(
                f"[{label}] import: {done - checked:.1f} s ({cpu_done - cpu_checked:.1f} s CPU), "
                f"{args.rows / (done - checked):,.0f} rows/s, "
                f"created {job.created_count:,}, updated {job.updated_count:,}"
            )
            print(
                f"[{label}] total {done - started:.1f} s ({cpu_done - cpu_started:.1f} s CPU); "
                f"peak RSS so far: {peak_rss_mb():.0f} MB"
            )
            if args.kind == "opportunities":
                from presales.deals.models import DealStep, Opportunity, StepStatus

                print(
                    f"[{label}] deals {Opportunity.objects.count():,}, checklist steps {DealStep.objects.count():,} "
                    f"({DealStep.objects.filter(status=StepStatus.DONE).count():,} done)"
                )
            print(f"[{label}] load average now: {os.getloadavg()}")

        run(source, "first import")
        if args.reimport:
            # The same IDs with another city: every row becomes an update (bulk_update_with_history, version + 1).
            write_file(source, args.rows, args.kind, city="新城市")
            run(source, "re-import")
    finally:
        remove(database)
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()

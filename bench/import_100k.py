"""Benchmark: import a generated 100,000-row accounts CSV (check pass + import pass) and report rows/s and peak RSS.

    .venv/bin/python bench/import_100k.py [--rows 100000] [--kind accounts|opportunities]

Builds a throw-away SQLite database and media folder, uploads the file as an admin through the import service,
runs the check (dry run, rolled back) and the import (one transaction), and prints the timings and the peak
resident memory of the process (resource.getrusage, kilobytes on Linux). Memory should stay flat as rows grow.
"""

from __future__ import annotations

import argparse
import csv
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


def write_file(path: Path, rows: int, kind: str) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        if kind == "accounts":
            writer.writerow(["客户编号", "客户名称", "行业", "区域", "城市", "负责人"])
            for n in range(rows):
                writer.writerow([f"B-{n}", f"基准客户 {n}", INDUSTRIES[n % 6], PROVINCES[n % 8], "城市", "bench"])
        else:
            writer.writerow(["项目编号", "项目名称", "客户名称", "行业", "区域", "金额", "预计签约日期", "阶段"])
            for n in range(rows):
                writer.writerow(
                    [f"D-{n}", f"项目 {n}", f"基准客户 {n % 500}", "金融", "上海", 100000 + n, "2026-12-31", 2 + n % 4]
                )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kind", default="accounts", choices=["accounts", "opportunities"])
    args = parser.parse_args()

    database = configure()
    media = Path(tempfile.mkdtemp(prefix="presales-bench-media-"))
    try:
        from django.conf import settings
        from django.core.files.uploadedfile import SimpleUploadedFile

        settings.MEDIA_ROOT = media
        settings.PRESALES_IMPORT_IN_THREAD = False
        from presales.integration import services
        from presales.integration.models import ImportJob
        from presales.people.models import Role
        from presales.people.services import user_create

        admin = user_create(username="bench", display_name="Bench", role=Role.ADMIN, password="bench-pw-123")  # noqa: S106
        source = media / f"bench-{args.kind}.csv"
        write_file(source, args.rows, args.kind)
        print(
            f"{args.rows:,} {args.kind} rows, {source.stat().st_size / 1e6:.1f} MB; peak RSS after setup {peak_rss_mb():.0f} MB"
        )

        started = time.perf_counter()
        with source.open("rb") as handle:
            upload = SimpleUploadedFile(source.name, b"")
            upload.file = handle
            upload.size = source.stat().st_size
            job = services.import_job_create(actor=admin, kind=args.kind, upload=upload)
        scanned = time.perf_counter()
        services.import_job_set_mapping(actor=admin, job=job, mapping=job.mapping, defaults={})
        services.run_pending()
        job.refresh_from_db()
        checked = time.perf_counter()
        assert job.error_rows == 0, job.row_errors.first()
        services.import_job_start(actor=admin, job=job, skip_errors=False)
        services.run_pending()
        job = ImportJob.objects.get(pk=job.pk)
        done = time.perf_counter()
        assert job.status == "done", job.failure
        print(f"upload + scan: {scanned - started:.1f} s")
        print(f"check (dry run): {checked - scanned:.1f} s, {args.rows / (checked - scanned):,.0f} rows/s")
        print(
            f"import: {done - checked:.1f} s, {args.rows / (done - checked):,.0f} rows/s, created {job.created_count:,}"
        )
        print(f"peak RSS: {peak_rss_mb():.0f} MB")
    finally:
        remove(database)
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()

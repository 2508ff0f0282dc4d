"""`xinyong import FILE --category C --provider DEPT` (architecture §5): import a file on this machine
with a progress bar on stderr, then print the summary and the path of the error file."""

import getpass
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinyong.audit.services import Actor
from xinyong.core.errors import DomainError
from xinyong.records import imports
from xinyong.records.models import ImportJob

BAR_WIDTH = 30


class ProgressBar:
    """A one-line bar redrawn in place (`\\r`); on a non-terminal at most one line per 10 %."""

    def __init__(self, stream, *, interactive: bool):
        self.stream = stream
        self.interactive = interactive
        self.started = time.monotonic()
        self.first_processed: int | None = None
        self.last_decile = -1

    def __call__(self, job: ImportJob) -> None:
        if self.first_processed is None:
            self.first_processed = job.processed_rows
        done = job.processed_rows
        total = max(job.total_rows or 0, done)
        share = done / total if total else (1.0 if job.status == ImportJob.Status.DONE else 0.0)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = (done - self.first_processed) / elapsed
        filled = int(BAR_WIDTH * share)
        line = (
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:6.1%}  "
            f"{done:,}/{total:,} 行  {rate:,.0f} 行/秒  错误 {job.error_count:,} 行"
        )
        if self.interactive:
            self.stream.write("\r" + line)
            self.stream.flush()
        elif int(share * 10) != self.last_decile:
            self.last_decile = int(share * 10)
            self.stream.write(line + "\n")

    def finish(self) -> None:
        if self.interactive:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "批量导入信用信息文件（CSV：UTF-8/GBK；XLSX），显示进度，输出汇总与错误文件路径"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="CSV 或 XLSX 文件")
        parser.add_argument("--category", help="信息类别编码，如 admin_penalty")
        parser.add_argument("--provider", help="提供部门编码，如 SCJG")
        parser.add_argument("--resume", type=int, metavar="JOB_ID", help="继续处理中断的导入任务")
        parser.add_argument("--batch-size", type=int, default=None, help="每批行数（默认 5000）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **options):
        stderr = getattr(self.stderr, "_out", sys.stderr)
        bar = None
        if not options["no_progress"]:
            bar = ProgressBar(stderr, interactive=stderr.isatty() if hasattr(stderr, "isatty") else False)
        job = None
        try:
            job = self._job(options)
            if job.status == ImportJob.Status.FAILED and options["resume"] is None:
                raise CommandError(f"导入任务 #{job.pk} 失败：{job.message}")
            if job.status == ImportJob.Status.DONE:
                self.stdout.write(f"导入任务 #{job.pk} 已完成，无需继续。")
            else:
                try:
                    job = imports.run_job(job.pk, batch_size=options["batch_size"], progress=bar)
                finally:
                    if bar:
                        bar.finish()
        except DomainError as error:
            raise CommandError(error.message) from error
        except KeyboardInterrupt:
            raise CommandError("已中断；已提交的批次已保存，可用 --resume 继续") from None
        except Exception as error:
            if job is None:
                raise
            job.refresh_from_db()
            raise CommandError(f"导入任务 #{job.pk} 中断：{job.message}") from error
        self._summary(job)
        if job.status != ImportJob.Status.DONE:
            raise CommandError(f"导入任务 #{job.pk} 失败：{job.message}")

    def _job(self, options) -> ImportJob:
        if options["resume"] is not None:
            job = ImportJob.objects.filter(pk=options["resume"]).first()
            if job is None:
                raise CommandError(f"导入任务 #{options['resume']} 不存在")
            return job
        if not options["file"] or not options["category"] or not options["provider"]:
            raise CommandError("用法：xinyong import 文件 --category 类别 --provider 部门（或 --resume 任务号）")
        actor = Actor(name=f"cli:{getpass.getuser()}", department=options["provider"], channel="cli")
        job = imports.import_local_file(
            actor=actor,
            provider_code=options["provider"],
            category_code=options["category"],
            path=Path(options["file"]).expanduser(),
        )
        self.stdout.write(
            f"导入任务 #{job.pk}：{job.file_name}（{job.file_format.upper()}"
            f"{'，' + job.encoding if job.encoding else ''}）→ {job.category.code}，提供部门 {job.provider.code}"
        )
        return job

    def _summary(self, job: ImportJob) -> None:
        out = self.stdout
        out.write(
            f"任务 #{job.pk} {job.get_status_display()}：共处理 {job.processed_rows:,} 行；"
            f"新增 {job.created_count:,} 条，新版本 {job.version_count:,} 条，"
            f"重复 {job.duplicate_count:,} 条，错误 {job.error_count:,} 行"
        )
        if job.message:
            out.write(f"说明：{job.message}")
        if job.error_count:
            out.write(f"错误文件：{imports.write_error_file(job)}")
        else:
            out.write("错误文件：无（没有错误行）")

"""Upload checks shared by every app that stores files: size, extension and what the bytes really are.

The extension alone is what the browser claims; the first bytes (and, for Office files, the zip's
contents) say what the file is. Both must agree before a file is stored under MEDIA_ROOT, which is
outside the web root: files are only ever served through permission-checked download views.
"""

from __future__ import annotations

import os
import uuid
import zipfile
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
    "zip": "application/zip",
}
# The folder an Office Open XML file of this kind must contain.
OFFICE_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def allowed_extensions() -> list[str]:
    return [ext for ext in settings.PRESALES_UPLOAD_EXTENSIONS if ext in CONTENT_TYPES]


def extension_of(name: str) -> str:
    return os.path.splitext(name)[1].lower().lstrip(".")


def stored_name(folder: str, filename: str) -> str:
    """Where an upload goes under MEDIA_ROOT: a random name (the original name is kept in the row, for downloads)."""
    return f"{folder}/{uuid.uuid4().hex}.{extension_of(filename)}"


def _sniff(extension: str, upload: Any) -> bool:
    """True when the file's bytes match what its extension says."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "txt":
        if b"\x00" in head:
            return False
        for encoding in ("utf-8", "gb18030"):
            try:
                # A multi-byte character may be cut at the 8 KiB boundary: ignore a broken tail only.
                head.decode(encoding) if len(head) < 8192 else head[:-4].decode(encoding)
            except UnicodeDecodeError:
                continue
            return True
        return False
    if extension in ("zip", *OFFICE_PARTS):
        if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            return False
        if extension == "zip":
            return True
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
        return "[Content_Types].xml" in names and any(n.startswith(OFFICE_PARTS[extension]) for n in names)
    return False


def validate_upload(upload: Any) -> str:
    """Check size, extension and content; return the content type to serve it with."""
    max_bytes = settings.PRESALES_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large: the limit is %(limit)s MB.") % {"limit": settings.PRESALES_MAX_UPLOAD_MB},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    extension = extension_of(upload.name)
    if extension not in allowed_extensions():
        raise ValidationError(
            _("This type of file is not accepted. Allowed: %(types)s.") % {"types": ", ".join(allowed_extensions())},
            code="bad_extension",
        )
    if not _sniff(extension, upload):
        raise ValidationError(
            _("The file's content does not match its .%(ext)s extension.") % {"ext": extension}, code="bad_content"
        )
    return CONTENT_TYPES[extension]


def clean_filename(name: str) -> str:
    """The name to show and download with: no path parts, no control characters, bounded length."""
    base = os.path.basename(name.replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "file"
    stem, ext = os.path.splitext(base)
    return stem[: 200 - len(ext)] + ext


def download_response(field_file: Any, *, filename: str, content_type: str) -> FileResponse:
    """Serve a stored file as a download the browser will not try to render or sniff."""
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""Attachments: size and type limits (extension and content), stored under MEDIA_ROOT, downloads only for viewers."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from presales.core.uploads import validate_upload
from presales.knowledge import services
from presales.knowledge.models import KnowledgeAttachment, KnowledgeKind

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office_bytes(folder: str) -> bytes:
    """A minimal Office-style archive. Its entries carry a fixed date, so the bytes (and the test ids built from
    them) are the same in every process: xdist refuses to run when its workers collect different ids."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), (f"{folder}document.xml", "<x/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def item(personas):
    return services.knowledge_item_create(actor=personas.engineer, kind=KnowledgeKind.PROPOSAL, title="Proposal")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.pdf", PDF),
        ("a.png", PNG),
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 16),
        ("说明.txt", "中文说明 text".encode()),
        ("a.docx", office_bytes("word/")),
        ("a.xlsx", office_bytes("xl/")),
        ("a.pptx", office_bytes("ppt/")),
        ("a.zip", office_bytes("anything/")),
    ],
)
def test_accepted_types(name, content):
    assert validate_upload(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("a.exe", b"MZ\x90\x00", "bad_extension"),
        ("a.html", b"<script>", "bad_extension"),
        ("a.pdf", b"<html><script>alert(1)</script>", "bad_content"),
        ("a.png", PDF, "bad_content"),
        ("a.docx", office_bytes("xl/"), "bad_content"),
        ("a.xlsx", b"PK\x03\x04not really a zip", "bad_content"),
        ("a.txt", b"\x00\x01binary", "bad_content"),
        ("a.pdf", b"", "empty"),
    ],
)
def test_refused_types(name, content, code):
    with pytest.raises(ValidationError) as caught:
        validate_upload(SimpleUploadedFile(name, content))
    assert caught.value.code == code


def test_size_limit(settings):
    settings.PRESALES_MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError) as caught:
        validate_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024)))
    assert caught.value.code == "too_large"


def test_extension_list_comes_from_settings(settings):
    settings.PRESALES_UPLOAD_EXTENSIONS = ["pdf"]
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("a.png", PNG))


def test_upload_stores_under_media_root_and_downloads_as_attachment(item, personas, login, media_root):
    response = login(personas.engineer).post(
        f"/knowledge/{item.pk}/files/", {"file": SimpleUploadedFile("../../方案.pdf", PDF)}
    )
    assert response.status_code == 302
    attachment = KnowledgeAttachment.objects.get()
    assert attachment.original_name == "方案.pdf"
    assert str(media_root) in attachment.file.path
    assert attachment.file.name.startswith(f"knowledge/{item.pk}/")
    download = login(personas.outsider).get(f"/knowledge/files/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF


def test_refused_upload_shows_the_reason_and_stores_nothing(item, personas, login, media_root):
    response = login(personas.engineer).post(
        f"/knowledge/{item.pk}/files/", {"file": SimpleUploadedFile("x.pdf", b"<html>")}
    )
    assert response.status_code == 400
    assert "does not match" in response.content.decode()
    assert not KnowledgeAttachment.objects.exists()
    assert not any(media_root.rglob("*.pdf")) if media_root.exists() else True


def test_restricted_item_file_is_404_for_outsider_and_anonymous(personas, login, client):
    item = services.knowledge_item_create(
        actor=personas.engineer, kind=KnowledgeKind.PROPOSAL, title="Restricted", restricted=True
    )
    attachment = services.knowledge_attachment_add(
        actor=personas.engineer, item=item, upload=SimpleUploadedFile("p.pdf", PDF)
    )
    assert login(personas.outsider).get(f"/knowledge/files/{attachment.pk}/").status_code == 404
    assert client.get(f"/knowledge/files/{attachment.pk}/").status_code == 302
    assert login(personas.presales_manager).get(f"/knowledge/files/{attachment.pk}/").status_code == 200


def test_only_editors_upload_or_remove(item, personas, login):
    assert (
        login(personas.owner)
        .post(f"/knowledge/{item.pk}/files/", {"file": SimpleUploadedFile("p.pdf", PDF)})
        .status_code
        == 403
    )
    attachment = services.knowledge_attachment_add(
        actor=personas.engineer, item=item, upload=SimpleUploadedFile("p.pdf", PDF)
    )
    assert login(personas.owner).post(f"/knowledge/files/{attachment.pk}/delete/").status_code == 403
    assert login(personas.engineer).post(f"/knowledge/files/{attachment.pk}/delete/").status_code == 302
    assert not KnowledgeAttachment.objects.exists()

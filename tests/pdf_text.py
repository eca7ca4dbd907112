"""Read a PDF's text back, for tests, with the standard library only (no PDF reader is installed).

WeasyPrint (pydyf) writes text as glyph ids through fonts that carry a ToUnicode map, and keeps most objects in
compressed object streams. This reader inflates the streams, follows each page's fonts to their ToUnicode maps and
decodes the text-showing operators (Tj, TJ) of the page content. Enough for the documents we produce; not a
general PDF parser.
"""

from __future__ import annotations

import re
import zlib

OBJECT = re.compile(rb"(\d+)\s+0\s+obj\b")
# An object's dictionary ends where its stream starts ("stream" and an end of line) or at "endobj".
BODY_END = re.compile(rb"stream\r?\n|endobj")
LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+0\s+R)")
REFERENCE = r"(\d+)\s+0\s+R"


def _inflate(dictionary: bytes, data: bytes) -> bytes:
    return zlib.decompress(data) if b"/FlateDecode" in dictionary else data


def _objects(pdf: bytes) -> dict[int, tuple[str, bytes]]:
    """Every object: its dictionary text and its (inflated) stream, including those inside object streams."""
    objects: dict[int, tuple[str, bytes]] = {}
    position = 0
    while match := OBJECT.search(pdf, position):
        number = int(match.group(1))
        end = BODY_END.search(pdf, match.end())
        if end is None:
            break
        dictionary, data = pdf[match.end() : end.start()], b""
        position = end.end()
        if end.group(0) != b"endobj":
            # The stream's bytes are read by their /Length, not up to "endstream": compressed data may end with a
            # carriage return or hold any bytes at all.
            length = LENGTH.search(dictionary)
            if length is None:
                raise ValueError(f"object {number}: a stream without a direct /Length")
            data = _inflate(dictionary, pdf[position : position + int(length.group(1))])
            position += int(length.group(1))
        objects[number] = (dictionary.decode("latin-1"), data)
    for dictionary, data in list(objects.values()):
        if "/ObjStm" not in dictionary:
            continue
        first = int(re.search(r"/First\s+(\d+)", dictionary).group(1))  # type: ignore[union-attr]
        header = [int(value) for value in data[:first].split()]
        pairs = list(zip(header[::2], header[1::2], strict=True))
        for index, (number, offset) in enumerate(pairs):
            end = pairs[index + 1][1] if index + 1 < len(pairs) else len(data) - first
            objects[number] = (data[first + offset : first + end].decode("latin-1"), b"")
    return objects


def _cmap(data: bytes) -> dict[bytes, str]:
    """A ToUnicode CMap: glyph code (bytes) to text."""
    text = data.decode("latin-1")
    mapping: dict[bytes, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for source, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[bytes.fromhex(source)] = bytes.fromhex(target).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start, width = int(low, 16), len(low) // 2
            base = bytes.fromhex(target).decode("utf-16-be")
            for offset in range(int(high, 16) - start + 1):
                mapping[(start + offset).to_bytes(width, "big")] = base[:-1] + chr(ord(base[-1]) + offset)
    return mapping


def _resolve(objects: dict[int, tuple[str, bytes]], text: str, key: str) -> str:
    """The value of `/key` in `text`: an inline dictionary, or the dictionary of the object it refers to."""
    reference = re.search(rf"/{key}\s+{REFERENCE}", text)
    if reference:
        return objects[int(reference.group(1))][0]
    start = text.find(f"/{key}")
    if start < 0:
        return ""
    depth, index = 0, text.index("<<", start)
    for position in range(index, len(text) - 1):
        pair = text[position : position + 2]
        if pair == "<<":
            depth += 1
        elif pair == ">>":
            depth -= 1
            if depth == 0:
                return text[index : position + 2]
    return ""


def _decode_string(token: str, cmap: dict[bytes, str]) -> str:
    if token.startswith("<"):
        raw = bytes.fromhex(token[1:-1])
    else:
        raw = token[1:-1].encode("latin-1")
    width = len(next(iter(cmap))) if cmap else 1
    return "".join(cmap.get(raw[i : i + width], "") for i in range(0, len(raw), width))


OPERATOR = re.compile(r"[A-Za-z'\"*]+")
TOKENS = re.compile(r"<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\)|/[^\s/\[\]()<>]+|[-+]?\d*\.?\d+|[A-Za-z'\"*]+|\[|\]")


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, a line per text object, in content order."""
    objects = _objects(pdf)
    pages = []
    for dictionary, _data in objects.values():
        if not re.search(r"/Type\s*/Page\b", dictionary):
            continue
        resources = _resolve(objects, dictionary, "Resources")
        fonts = _resolve(objects, resources, "Font")
        cmaps: dict[str, dict[bytes, str]] = {}
        for name, number in re.findall(rf"/([^\s/]+)\s+{REFERENCE}", fonts):
            font = objects[int(number)][0]
            to_unicode = re.search(rf"/ToUnicode\s+{REFERENCE}", font)
            cmaps[name] = _cmap(objects[int(to_unicode.group(1))][1]) if to_unicode else {}
        contents = re.search(rf"/Contents\s+(?:\[(.*?)\]|{REFERENCE})", dictionary, re.S)
        numbers = re.findall(REFERENCE, contents.group(1)) if contents and contents.group(1) else [contents.group(2)]  # type: ignore[union-attr]
        content = b"".join(objects[int(number)][1] for number in numbers).decode("latin-1")
        lines: list[str] = []
        stack: list[str] = []
        line, font = "", ""
        for token in TOKENS.findall(content):
            if token == "Tf":
                font = stack[-2][1:] if len(stack) >= 2 else font
            elif token == "Tj" or token == "'":
                line += _decode_string(stack[-1], cmaps.get(font, {}))
            elif token == "TJ":
                start = len(stack) - 1 - stack[::-1].index("[")
                line += "".join(_decode_string(item, cmaps.get(font, {})) for item in stack[start:] if item[0] in "<(")
            elif token in ("ET", "Td", "TD", "Tm", "T*"):
                if line:
                    lines.append(line)
                line = ""
            if OPERATOR.fullmatch(token):
                stack = []
            else:
                stack.append(token)
        pages.append("\n".join(lines))
    return pages


def pdf_fonts(pdf: bytes) -> set[str]:
    """The names of the fonts the PDF embeds (subset prefixes removed)."""
    names = set()
    for dictionary, _data in _objects(pdf).values():
        for name in re.findall(r"/BaseFont\s*/([^\s/<>\[\]]+)", dictionary):
            names.add(name.split("+", 1)[-1])
    return names


def pdf_text(pdf: bytes) -> str:
    """All the text of the PDF, page after page, each run of white space one space (a line break is a space)."""
    return " ".join(" ".join(pdf_pages(pdf)).split())

"""Turning the bytes of a case file into text as the office that saved it meant.

Excel on a Vietnamese Windows machine saves CSV files as UTF-8 with a byte-order
mark, as UTF-16 ("Unicode text"), or in the ANSI code page Windows-1258 whose
accented letters are partly combining marks; keyboards may type decomposed
Unicode (NFD). Every text is decoded, then normalised to NFC, and the encoding
used is reported so that a person can see what was assumed."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 LE with BOM"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 BE with BOM"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 LE with BOM"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 BE with BOM"),
)
# Code pages an office in Vietnam (or a partner abroad) saves "ANSI" text in
LEGACY_CODE_PAGES = ("cp1258", "cp1252", "cp1250", "cp1251")
_NAMES = {
    "utf-8": "UTF-8", "utf_8": "UTF-8", "cp1258": "Windows-1258", "cp1252": "Windows-1252",
    "cp1250": "Windows-1250", "cp1251": "Windows-1251", "utf-16": "UTF-16", "utf16": "UTF-16", "utf-8-sig": "UTF-8 with BOM", "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE", "utf_16_le": "UTF-16 LE", "utf_16_be": "UTF-16 BE",
}


@dataclass(frozen=True, slots=True)
class Decoded:
    """The text of a file (byte-order mark removed, not yet NFC) and the
    encoding it was read with, as people name it."""

    text: str
    encoding: str


class DecodeError(ValueError):
    """The bytes are not text in any encoding tried (the message says what to do)."""


def encoding_label(codec: str) -> str:
    return _NAMES.get(codec.lower().replace(" ", ""), codec)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as a NUL byte in every other position of ASCII text."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode(data: bytes, *, declared: str = "") -> Decoded:
    """Decode ``data``: the ``declared`` encoding if given, else a BOM, else
    UTF-8, else UTF-16 without BOM, else the legacy code page that
    charset-normalizer finds most plausible."""
    if declared:
        try:
            text = data.decode(declared)
        except LookupError:
            raise DecodeError(f"unknown encoding {declared!r} declared in settings.toml [files]") from None
        except UnicodeDecodeError as exc:
            msg = (f"not {encoding_label(declared)} as declared in settings.toml [files] "
                   f"(byte 0x{data[exc.start]:02x} at offset {exc.start})")
            raise DecodeError(msg) from None
        return _decoded(text.lstrip("\ufeff"), encoding_label(declared))
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                msg = f"starts with a {label.split(' with')[0]} byte-order mark but is not {label} ({exc.reason})"
                raise DecodeError(msg) from None
            return _decoded(text.lstrip("\ufeff"), label)
    utf16 = _utf16_without_bom(data)  # before UTF-8: NUL bytes are valid UTF-8
    if utf16:
        try:
            return _decoded(data.decode(utf16), encoding_label(utf16))
        except UnicodeDecodeError:
            pass
    try:
        return _decoded(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only for files in a legacy code page

    best = from_bytes(data, cp_isolation=list(LEGACY_CODE_PAGES)).best()
    if best is None:
        raise DecodeError(
            "not text in UTF-8, UTF-16 or a Windows code page: save it as "
            "'CSV UTF-8 (Comma delimited)' or declare encoding in settings.toml [files]"
        )
    return _decoded(str(best), encoding_label(best.encoding))


def _decoded(text: str, label: str) -> Decoded:
    return Decoded(text, label)  # one place to build the result (keeps decode() short)


def nfc(value: str) -> str:
    """One text field in NFC (ids typed on a keyboard that writes NFD match their sites)."""
    return value if value.isascii() else unicodedata.normalize("NFC", value)

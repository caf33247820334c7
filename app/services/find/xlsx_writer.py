"""A small streaming XLSX writer: sheets of text and numbers, a bold heading row frozen at the top, column
widths, and text wrapped where asked. Rows go straight into the zip file as they come, so memory stays flat.

Written for the downloads of every record: XlsxWriter (in its constant-memory mode) spent about three
quarters of the spreadsheet's time making each cell's XML, for every cell of every record; here each cell's
XML is made by the caller once per distinct value (`cell_xml`, remembered by download_rows.py) and only the
cell's reference is added per cell: several times as fast, measured by bench/downloads.py. The file
is what XlsxWriter's constant-memory mode writes (inline strings, no shared strings table), without its
theme and document properties, which no reader needs.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

BOLD, WRAPPED = 1, 2  # the styles (cellXfs) of styles.xml below
ROWS_PER_WRITE = 200
# Zip compression: level 1 wrote records about 15% faster than the default (6), in a file a third larger.
COMPRESS_LEVEL = 6

_ESCAPED_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STYLES = (
    f'{HEAD}<styleSheet xmlns="{MAIN}"><fonts count="2">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


@dataclass
class Sheet:
    name: str
    widths: Sequence[float]  # in characters, as Excel counts them
    headings: Sequence[str]
    rows: Iterable[Sequence[str | None]]  # each cell as `cell_xml` made it, or None for an empty cell


def cell_xml(value: str | Decimal | int | float | None, style: int = 0) -> str | None:
    """A cell's XML after its reference (`<c r="A2"` + this): text as an inline string (never a formula),
    a number as a number; None for an empty cell. Text must hold no control characters but tab and line
    feed (downloads_xlsx.py removes them)."""
    if value is None or value == "":
        return None
    styled = f' s="{style}"' if style else ""
    if isinstance(value, str):
        if "&" in value or "<" in value or ">" in value:
            value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if "_x" in value:  # Excel reads "_x0041_" as an escaped character: its underscore is escaped
            value = _ESCAPED_ESCAPE.sub(r"_x005F\1", value)
        if "\ufffe" in value or "\uffff" in value:
            value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        return f'{styled} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    if isinstance(value, Decimal) and not value.is_finite():
        return cell_xml(str(value), style)
    return f"{styled}><v>{value:.16G}</v></c>"


def column_letters(count: int) -> list[str]:
    letters = []
    for number in range(1, count + 1):
        name = ""
        while number:
            number, left = divmod(number - 1, 26)
            name = chr(65 + left) + name
        letters.append(name)
    return letters


def write_workbook(target: IO[bytes], sheets: Sequence[Sheet]) -> None:
    """Write the workbook to `target` (a binary file object; seekable or not), each sheet's rows as they
    come. The same sheets always make the same bytes."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as package:
        _put(package, "[Content_Types].xml", _content_types(len(sheets)))
        _put(
            package,
            "_rels/.rels",
            f'{HEAD}<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        _put(package, "xl/workbook.xml", _workbook(sheets))
        _put(package, "xl/_rels/workbook.xml.rels", _workbook_relationships(len(sheets)))
        _put(package, "xl/styles.xml", STYLES)
        for number, sheet in enumerate(sheets, start=1):
            with package.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as part:
                _write_sheet(part, sheet, selected=number == 1)


def _put(package: zipfile.ZipFile, name: str, text: str) -> None:
    with package.open(name, "w") as part:  # dated 1980-01-01, as zipfile dates a part named by text
        part.write(text.encode("utf-8"))


def _write_sheet(part: IO[bytes], sheet: Sheet, *, selected: bool) -> None:
    letters = column_letters(max(len(sheet.widths), len(sheet.headings)))
    columns = "".join(
        f'<col min="{n}" max="{n}" width="{width + 0.7109375:g}" customWidth="1"/>'
        for n, width in enumerate(sheet.widths, start=1)
    )
    heading_cells = [cell_xml(text, BOLD) for text in sheet.headings]
    tab = ' tabSelected="1"' if selected else ""
    part.write(
        (
            f'{HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheetViews>'
            f'<sheetView{tab} workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>{"<cols>" + columns + "</cols>" if columns else ""}'
            f"<sheetData>{_row(1, letters, heading_cells)}"
        ).encode()
    )
    waiting: list[str] = []
    for number, cells in enumerate(sheet.rows, start=2):
        waiting.append(_row(number, letters, cells))
        if len(waiting) >= ROWS_PER_WRITE:
            part.write("".join(waiting).encode("utf-8"))
            waiting.clear()
    waiting.append(
        '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/></worksheet>'
    )
    part.write("".join(waiting).encode("utf-8"))


def _row(number: int, letters: list[str], cells: Sequence[str | None]) -> str:
    at = f'{number}"'
    return (
        f'<row r="{number}">'
        + "".join(
            [
                '<c r="' + letter + at + xml
                for letter, xml in zip(letters, cells, strict=False)
                if xml is not None
            ]
        )
        + "</row>"
    )


def _content_types(count: int) -> str:
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{kind}.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    return (
        f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{kind}.styles+xml"/>{sheets}</Types>'
    )


def _workbook(sheets: Sequence[Sheet]) -> str:
    entries = "".join(
        f'<sheet name="{_attribute(sheet.name)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, sheet in enumerate(sheets, start=1)
    )
    return (
        f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><bookViews><workbookView/></bookViews>'
        f"<sheets>{entries}</sheets></workbook>"
    )


def _workbook_relationships(count: int) -> str:
    parts = "".join(
        f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    styles = f'<Relationship Id="rId{count + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
    return f'{HEAD}<Relationships xmlns="{PACKAGE}">{parts}{styles}</Relationships>'


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")

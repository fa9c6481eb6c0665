"""Source descriptions written in each toolchain's input language. Pure (strings in, strings out).

Markdown for pandoc (→ DOCX → LibreOffice), LaTeX for pdflatex, HTML for headless Chromium and
typst markup. Each takes a `Settings`: font, page size, justification, hyphenation and text width
vary from document to document so that URLs wrap at many positions.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from corpus_source import Heading, ListBlock, Note, Para, Source, Table, Url

PAPER_MM = {"a4": (210, 297), "letter": (216, 279)}


@dataclass(frozen=True)
class Settings:
    """How one document is typeset by one toolchain."""

    font: str
    paper: str  # "a4" or "letter"
    justify: bool
    hyphenate: bool
    margin_mm: int
    size_pt: float
    variant: str  # toolchain-specific: url/xurl/endnotes, anywhere/break-all, ...

    def describe(self) -> dict[str, object]:
        return {
            "font": self.font,
            "paper": self.paper,
            "justify": self.justify,
            "hyphenate": self.hyphenate,
            "margin_mm": self.margin_mm,
            "size_pt": self.size_pt,
            "variant": self.variant,
        }


# --- Markdown (pandoc) ------------------------------------------------------------------------------


def _md_text(text: str) -> str:
    text = re.sub(r"([\\*_\[\]<>`#])", r"\\\1", text)
    return re.sub(r"^(\d+)\.", r"\1\\.", text)


def to_markdown(src: Source) -> str:
    """Pandoc Markdown with `[^n]` footnotes and `<url>` autolinks."""
    out = [f"# {_md_text(src.title)}", ""]
    for block in src.blocks:
        out += [_md_block(block), ""]
    for note in src.notes:
        body = "".join(f"<{p.url}>" if isinstance(p, Url) else _md_text(p) for p in note.pieces)
        out += [f"[^{note.number}]: {body}", ""]
    return "\n".join(out)


def _md_block(block: Heading | Para | ListBlock | Table) -> str:
    if isinstance(block, Heading):
        return f"## {_md_text(block.text)}"
    if isinstance(block, Para):
        return "".join(f"[^{p}]" if isinstance(p, int) else _md_text(p) for p in block.parts)
    if isinstance(block, ListBlock):
        marks = [f"{i + 1}." if block.ordered else "-" for i in range(len(block.items))]
        return "\n".join(f"{m} {_md_text(t)}" for m, t in zip(marks, block.items, strict=True))
    head, *rows = block.rows
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


# --- LaTeX (pdflatex) -------------------------------------------------------------------------------

_TEX_SPECIAL = {
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
    "§": r"\S{}",
}


def _tex(text: str) -> str:
    return "".join(_TEX_SPECIAL.get(c, c) for c in text)


def _tex_url(url: str) -> str:
    """A URL as \\url's argument inside another command's argument: % and # escaped."""
    return url.replace("\\", "").replace("%", r"\%").replace("#", r"\#")


def to_latex(src: Source, s: Settings) -> str:
    """An article with \\footnote (or enotez/endnotes \\endnote) notes citing \\url{}s."""
    endnotes = s.variant.split("+")[1] if "+" in s.variant else ""
    urlpkg = s.variant.split("+")[0]
    note_cmd = r"\endnote" if endnotes else r"\footnote"
    width = PAPER_MM[s.paper][0] - 2 * s.margin_mm
    pre = [
        rf"\documentclass[{int(s.size_pt)}pt,{s.paper}paper]{{article}}",
        r"\usepackage[utf8]{inputenc}",
        rf"\usepackage[textwidth={width}mm,vmargin=25mm]{{geometry}}",
        r"\usepackage[hyphens]{url}" if urlpkg == "url-hyphens" else rf"\usepackage{{{urlpkg}}}",
        r"\usepackage{hyperref}",
    ]
    if endnotes == "enotez":
        pre += [r"\usepackage{enotez}", r"\setenotez{list-name=Notes}"]
    elif endnotes == "endnotes":
        pre += [r"\usepackage{endnotes}"]
    if not s.justify:
        pre.append(r"\AtBeginDocument{\raggedright}")
    if not s.hyphenate:
        pre.append(r"\hyphenpenalty=10000 \exhyphenpenalty=10000")
    body = [r"\begin{document}", rf"\section*{{{_tex(src.title)}}}"]
    notes = {n.number: n for n in src.notes}
    for block in src.blocks:
        body += [_tex_block(block, notes, note_cmd), ""]
    if endnotes == "enotez":
        body.append(r"\printendnotes")
    elif endnotes == "endnotes":
        body.append(r"\theendnotes")
    body.append(r"\end{document}")
    return "\n".join(pre + body) + "\n"


def _tex_note(note: Note) -> str:
    return "".join(rf"\url{{{_tex_url(p.url)}}}" if isinstance(p, Url) else _tex(p) for p in note.pieces)


def _tex_block(block: Heading | Para | ListBlock | Table, notes: dict[int, Note], cmd: str) -> str:
    if isinstance(block, Heading):
        return rf"\subsection*{{{_tex(block.text)}}}"
    if isinstance(block, Para):
        return "".join(
            f"{cmd}{{{_tex_note(notes[p])}}}" if isinstance(p, int) else _tex(p) for p in block.parts
        )
    if isinstance(block, ListBlock):
        env = "enumerate" if block.ordered else "itemize"
        items = "\n".join(rf"\item {_tex(t)}" for t in block.items)
        return rf"\begin{{{env}}}" + "\n" + items + "\n" + rf"\end{{{env}}}"
    cols = "l" * len(block.rows[0])
    rows = "\n".join(" & ".join(_tex(c) for c in row) + r" \\" for row in block.rows)
    return rf"\begin{{tabular}}{{{cols}}}" + "\n" + rows + "\n" + r"\end{tabular}"


# --- HTML (Chromium) --------------------------------------------------------------------------------


def to_html(src: Source, s: Settings) -> str:
    """A page with footnote references and a notes list, URLs free to break anywhere."""
    wrap = "overflow-wrap: anywhere;" if s.variant.startswith("anywhere") else "word-break: break-all;"
    css = (
        f"@page {{ size: {s.paper}; margin: 20mm {s.margin_mm}mm; }}\n"
        f"body {{ font-family: '{s.font}'; font-size: {s.size_pt}pt; "
        f"text-align: {'justify' if s.justify else 'left'}; "
        f"hyphens: {'auto' if s.hyphenate else 'manual'}; }}\n"
        f"a {{ {wrap} color: inherit; text-decoration: none; }}\n"
        f".notes {{ font-size: {s.size_pt - 2}pt; }}\n"
        "table { border-collapse: collapse; } td, th { padding: 0 6px; }\n"
    )
    out = [
        "<!doctype html>",
        f'<html lang="en"><head><meta charset="utf-8"><title>{html.escape(src.title)}</title>',
        f"<style>{css}</style></head><body>",
        f"<h1>{html.escape(src.title)}</h1>",
    ]
    out += [_html_block(b) for b in src.blocks]
    if src.notes:
        out.append(_html_notes(src.notes, s.variant.endswith("+p")))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _html_block(block: Heading | Para | ListBlock | Table) -> str:
    if isinstance(block, Heading):
        return f"<h2>{html.escape(block.text)}</h2>"
    if isinstance(block, Para):
        parts = (
            f'<sup><a href="#fn{p}" id="fnref{p}">{p}</a></sup>' if isinstance(p, int) else html.escape(p)
            for p in block.parts
        )
        return "<p>" + "".join(parts) + "</p>"
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        return f"<{tag}>" + "".join(f"<li>{html.escape(t)}</li>" for t in block.items) + f"</{tag}>"
    head, *rows = block.rows
    cells = "".join(f"<th>{html.escape(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def _html_note_body(note: Note) -> str:
    return "".join(
        f'<a href="{html.escape(p.url)}">{html.escape(p.url)}</a>' if isinstance(p, Url) else html.escape(p)
        for p in note.pieces
    )


def _html_notes(notes: tuple[Note, ...], paragraphs: bool) -> str:
    """As a numbered list (the list marker gives the number) or as paragraphs with a raised number."""
    if paragraphs:
        items = "".join(f'<p id="fn{n.number}"><sup>{n.number}</sup> {_html_note_body(n)}</p>' for n in notes)
        return f'<section class="notes"><hr><h2>Notes</h2>{items}</section>'
    items = "".join(f'<li id="fn{n.number}">{_html_note_body(n)}</li>' for n in notes)
    return f'<section class="notes"><hr><h2>Notes</h2><ol>{items}</ol></section>'


# --- typst ------------------------------------------------------------------------------------------


def _typ(text: str) -> str:
    text = re.sub(r"([\\#*_$@<>\[\]`~/=+\-])", r"\\\1", text)
    return re.sub(r"^(\d+)\.", r"\1\\.", text)


def to_typst(src: Source, s: Settings) -> str:
    """Typst markup with #footnote[...] notes citing #link(...)s."""
    paper = "us-letter" if s.paper == "letter" else "a4"
    hyphenate = str(s.hyphenate).lower()
    pre = [
        f'#set page(paper: "{paper}", margin: (x: {s.margin_mm}mm, y: 25mm))',
        f'#set text(font: "{s.font}", size: {s.size_pt}pt, hyphenate: {hyphenate}, lang: "en")',
        f"#set par(justify: {str(s.justify).lower()})",
        f"= {_typ(src.title)}",
        "",
    ]
    notes = {n.number: n for n in src.notes}
    body = [_typ_block(b, notes) for b in src.blocks]
    return "\n\n".join(pre + body) + "\n"


def _typ_note(note: Note) -> str:
    return "".join(f'#link("{p.url}")' if isinstance(p, Url) else _typ(p) for p in note.pieces)


def _typ_block(block: Heading | Para | ListBlock | Table, notes: dict[int, Note]) -> str:
    if isinstance(block, Heading):
        return f"== {_typ(block.text)}"
    if isinstance(block, Para):
        return "".join(
            f"#footnote[{_typ_note(notes[p])}]" if isinstance(p, int) else _typ(p) for p in block.parts
        )
    if isinstance(block, ListBlock):
        mark = "+" if block.ordered else "-"
        return "\n".join(f"{mark} {_typ(t)}" for t in block.items)
    cells = ", ".join(f"[{_typ(c)}]" for row in block.rows for c in row)
    return f"#table(columns: {len(block.rows[0])}, {cells})"

"""The real toolchains and extractors, run as subprocesses (or in-process for typst and pypdf). I/O.

Typesetting: pandoc → DOCX → LibreOffice PDF, pdflatex, headless Chromium print-to-PDF, typst.
Extraction: `pdftotext`, `pdftotext -layout`, `mutool draw -F txt`, pypdf. Nothing here needs the
network; Chromium is started with every background fetch switched off.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus_render import PAPER_MM, Settings

TIMEOUT_S = 180


def run(cmd: list[str], cwd: Path | None = None) -> str:
    """Run a tool; its stdout, or an error that names the tool and its last words."""
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{cmd[0]} failed ({done.returncode}): {' | '.join(tail)}")
    return done.stdout


# --- typesetting ------------------------------------------------------------------------------------


def reference_docx(s: Settings, out: Path) -> Path:
    """pandoc's reference DOCX with this document's font, size, justification, hyphenation (which
    LibreOffice does only with a hyphenation dictionary: `hyphen-en-us`), page and margins."""
    base = out.with_suffix(".base.docx")
    run(["pandoc", "-o", str(base), "--print-default-data-file", "reference.docx"])
    w_mm, h_mm = PAPER_MM[s.paper]
    twip = 1440 / 25.4
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/styles.xml":
                data = _styles(data.decode(), s).encode()
            elif item.filename == "word/document.xml":
                sect = (
                    f'<w:sectPr><w:pgSz w:w="{round(w_mm * twip)}" w:h="{round(h_mm * twip)}"/>'
                    f'<w:pgMar w:top="1440" w:right="{round(s.margin_mm * twip)}" w:bottom="1440" '
                    f'w:left="{round(s.margin_mm * twip)}" w:header="720" w:footer="720" w:gutter="0"/>'
                    "</w:sectPr>"
                )
                data = data.decode().replace("<w:sectPr />", sect).encode()
            elif item.filename == "word/settings.xml" and s.hyphenate:
                data = (
                    data.decode()
                    .replace("<w:embedSystemFonts />", "<w:embedSystemFonts /><w:autoHyphenation />", 1)
                    .encode()
                )
            zout.writestr(item, data)
    base.unlink()
    return out


def _styles(xml: str, s: Settings) -> str:
    font = f'<w:rFonts w:ascii="{s.font}" w:hAnsi="{s.font}" w:eastAsia="{s.font}" w:cs="{s.font}" />'
    xml = re.sub(r"<w:rFonts w:asciiTheme[^>]*/>", font, xml, count=1)
    half_points = round(s.size_pt * 2)
    xml = xml.replace('<w:sz w:val="24" />', f'<w:sz w:val="{half_points}" />', 1)
    if s.justify:
        xml = xml.replace(
            '<w:spacing w:after="200" />', '<w:spacing w:after="200" /><w:jc w:val="both" />', 1
        )
    return xml


def libreoffice(markdown: str, s: Settings, pdf: Path) -> None:
    """pandoc Markdown → DOCX (with a reference DOCX) → PDF by headless LibreOffice."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "doc.md").write_text(markdown, encoding="utf-8")
        ref = reference_docx(s, work / "ref.docx")
        run(["pandoc", "doc.md", "-f", "markdown", "-o", "doc.docx", f"--reference-doc={ref}"], cwd=work)
        profile = work / "profile"
        run(
            [
                "libreoffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(work / "doc.docx"),
            ]
        )
        shutil.copyfile(work / "doc.pdf", pdf)


def pdflatex(latex: str, pdf: Path) -> None:
    """Two pdflatex runs (endnotes and hyperref need the second)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "doc.tex").write_text(latex, encoding="utf-8")
        for _ in range(2):
            run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=work)
        shutil.copyfile(work / "doc.pdf", pdf)


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
]


def chromium(page: str, pdf: Path) -> None:
    """Headless Chromium's print-to-PDF of a local HTML file."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "doc.html").write_text(page, encoding="utf-8")
        run(
            [
                "chromium",
                *CHROMIUM_FLAGS,
                f"--user-data-dir={work / 'profile'}",
                f"--print-to-pdf={work / 'doc.pdf'}",
                (work / "doc.html").as_uri(),
            ]
        )
        shutil.copyfile(work / "doc.pdf", pdf)


def typst(markup: str, pdf: Path) -> None:
    """The typst compiler bundled in the PyPI package `typst`, with the system's fonts."""
    module: Any = importlib.import_module("typst")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "doc.typ"
        source.write_text(markup, encoding="utf-8")
        module.compile(str(source), output=str(pdf), font_paths=["/usr/share/fonts"])


# --- extraction -------------------------------------------------------------------------------------


def pdftotext(pdf: Path) -> str:
    return run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"])


def pdftotext_layout(pdf: Path) -> str:
    return run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"])


def mutool(pdf: Path) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.txt"
        run(["mutool", "draw", "-q", "-F", "txt", "-o", str(out), str(pdf)])
        return out.read_text(encoding="utf-8")


def pypdf_text(pdf: Path) -> str:
    module: Any = importlib.import_module("pypdf")
    reader = module.PdfReader(str(pdf))
    return "\n".join(page.extract_text() for page in reader.pages) + "\n"


EXTRACTORS: dict[str, Callable[[Path], str]] = {
    "pdftotext": pdftotext,
    "pdftotext-layout": pdftotext_layout,
    "mutool": mutool,
    "pypdf": pypdf_text,
}


# --- versions ---------------------------------------------------------------------------------------


def _first_line(cmd: list[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return lines[0].strip() if lines else "unknown"


def _dpkg(package: str) -> str:
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "not installed"


def versions() -> dict[str, str]:
    """Every tool's version, as the tools and the package manager state them."""
    out = {
        "pandoc": _first_line(["pandoc", "--version"]),
        "libreoffice": _first_line(["libreoffice", "--version"]),
        "pdflatex": _first_line(["pdflatex", "--version"]),
        "chromium": _first_line(["chromium", "--version"]),
        "typst (PyPI)": importlib.metadata.version("typst"),
        "pdftotext": _first_line(["pdftotext", "-v"]),
        "mutool": _first_line(["mutool", "-v"]),
        "pypdf (PyPI)": importlib.metadata.version("pypdf"),
    }
    for package in (
        "texlive-latex-recommended",
        "texlive-latex-extra",
        "fonts-liberation",
        "fonts-crosextra-carlito",
        "poppler-utils",
        "mupdf-tools",
        "libreoffice-writer-nogui",
        "hyphen-en-us",
    ):
        out[f"deb {package}"] = _dpkg(package)
    return out

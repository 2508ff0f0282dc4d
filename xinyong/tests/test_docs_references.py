"""Every reference in the code resolves inside the repository (docs/README.md, "References in the code").

Comments, fixtures and docs cite requirements (`R12`), sections of the architecture (`architecture §9`),
paragraphs of the source documents (`002 §14`, `001 四(三)`) and files (`docs/scaling.md`). These tests
read the repository's own text and fail on a citation that points at nothing: a requirement id without
its heading in docs/requirements.md, a section number docs/architecture.md does not have, a paragraph
that is not in docs/sources/, a file that is not there, or a path outside the repository."""

import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# Third-party files (`vendor/`, minified scripts) are not the project's text.
SKIPPED_DIRS = {
    *(".git", ".venv", "node_modules", "__pycache__", ".hypothesis", ".ruff_cache", "var", "build", "dist"),
    *(".import_linter_cache", ".grimp_cache"),  # plain `lint-imports` leaves its caches here
    "vendor",
}
TEXT_SUFFIXES = {".py", ".md", ".json", ".html", ".txt", ".sh", ".toml", ".cfg", ".ini", ".yaml", ".yml", ".css", ".js"}
NUMERALS = "一二三四五六七八九十"


def _text_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if any(part in SKIPPED_DIRS or part.endswith(".egg-info") for part in relative.parts):
            continue
        if path.name.endswith(".min.js") or relative.parts[:2] == ("docs", "sources"):
            continue
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            files.append(path)
    return sorted(files)


@cache
def _texts() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in _text_files()}


def _where(pattern: re.Pattern) -> dict[str, set[str]]:
    """Each match of `pattern` (its first group, or the whole match) → the files it occurs in."""
    found: dict[str, set[str]] = {}
    for name, text in _texts().items():
        if name == str(Path(__file__).relative_to(ROOT)):
            continue  # this file's own examples
        for match in pattern.finditer(text):
            found.setdefault(match.group(1) if pattern.groups else match.group(0), set()).add(name)
    return found


# ---- the source documents ------------------------------------------------------------------------


def numeral_value(numeral: str) -> int:
    """一 … 九十九 as a number (二十三 → 23)."""
    tens, _, units = numeral.rpartition("十")
    if "十" not in numeral:
        return NUMERALS.index(numeral) + 1
    return (NUMERALS.index(tens) + 1 if tens else 1) * 10 + (NUMERALS.index(units) + 1 if units else 0)


_SECTION = re.compile(rf"^#*\s*([{NUMERALS}]+)、\s*(.*)")
_PARAGRAPH = re.compile(rf"^#*\s*[（(]\s*([{NUMERALS}]+)\s*[）)]\s*(.*)")
_ITEM = re.compile(r"^#*\s*(\d+)[.．]\s*(.*)")
# Documents whose `§N` counts paragraphs （N） through the whole text, and the one whose `§N` is item N.
PARAGRAPH_NUMBERED = {"000", "002"}
ITEM_NUMBERED = {"003"}


@cache
def places(document: str) -> dict[tuple, str]:
    """The places a citation of `document` may name, each with its heading: (section,), (section,
    paragraph) and ("§", N)."""
    found: dict[tuple, str] = {}
    section = paragraph = None
    for line in (DOCS / "sources" / f"{document}.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if match := _SECTION.match(line):
            section, paragraph = match[1], None
            found[(section,)] = match[2]
        elif match := _PARAGRAPH.match(line):
            paragraph = match[1]
            found[(section, paragraph)] = match[2]
            # 000's 一、总体要求 has its own (一)(二); the numbering through the document starts at 二.
            if document in PARAGRAPH_NUMBERED and not (document == "000" and section == "一"):
                found[("§", numeral_value(paragraph))] = match[2]
        elif (match := _ITEM.match(line)) and document in ITEM_NUMBERED:
            found[("§", int(match[1]))] = match[2]
    return found


_SECTION_PLACE = rf"[{NUMERALS}]+(?:[（(][{NUMERALS}]+[）)])*"
_PARAGRAPHS = r"§\s?\d+(?:\s?[–-]\s?§?\d+)?(?:(?:,\s?|\s)§\s?\d+(?:\s?[–-]\s?§?\d+)?)*"
SEED_CITATION = re.compile(rf"(?<![\w〔/])(00[0-4]) ({_PARAGRAPHS}|{_SECTION_PLACE})")


def cited_places(place: str) -> list[tuple]:
    """`§17–§20` → ("§", 17) … ("§", 20); `三（九）（十）` → ("三", "九"), ("三", "十"); `四` → ("四",)."""
    if place.startswith("§"):
        keys = []
        for first, last in re.findall(r"§?\s?(\d+)(?:\s?[–-]\s?§?(\d+))?", place):
            keys += [("§", n) for n in range(int(first), int(last or first) + 1)]
        return keys
    section, *paragraphs = re.split(r"[（()）]+", place.strip("（()）"))
    return [(section, p) for p in paragraphs if p] or [(section,)]


def test_the_five_source_documents_are_in_the_repository_with_their_paragraphs():
    for document in ("000", "001", "002", "003", "004"):
        assert len(places(document)) > 10, document
    assert places("000")[("§", 17)].startswith("建立健全信用信息归集共享和使用机制")
    assert places("002")[("§", 14)].startswith("依法追究违法失信责任")
    assert places("003")[("§", 16)].startswith("建立联合奖惩发起响应机制")
    assert places("001")[("四", "三")].startswith("建立健全信用信息归集共享和使用机制")
    assert ("§", 1) not in places("001")  # its paragraphs restart in each section: cited as 四(三)


@pytest.mark.slow  # over a second on an idle machine: out of the fast subset
def test_every_cited_paragraph_of_a_source_document_exists():
    missing, found = [], 0
    for name, text in _texts().items():
        for match in SEED_CITATION.finditer(text):
            found += 1
            document, place = match.groups()
            for key in cited_places(place):
                if key not in places(document):
                    missing.append(f"{name}: {document} {place} ({key})")
    assert found > 300  # the pattern still finds the citations
    assert not missing, "cited paragraphs that docs/sources/ does not have:\n" + "\n".join(sorted(set(missing)))


# ---- requirements and architecture -----------------------------------------------------------------


def _headings(document: str, pattern: str) -> set[str]:
    return set(re.findall(pattern, (DOCS / document).read_text(encoding="utf-8"), flags=re.MULTILINE))


@pytest.mark.slow  # over a second on an idle machine: out of the fast subset
def test_every_requirement_id_cited_has_its_heading_in_docs_requirements():
    defined = _headings("requirements.md", r"^#+ (R\d+)\b")
    assert {f"R{n}" for n in range(1, 33)} <= defined
    cited = _where(re.compile(r"(?<![\w/-])(R\d{1,3})(?![\w/])"))
    missing = {rid: sorted(files)[:3] for rid, files in cited.items() if rid not in defined}
    assert not missing, f"requirement ids without a heading in docs/requirements.md: {missing}"


def test_every_architecture_section_cited_exists():
    defined = _headings("architecture.md", r"^## (\d+[a-z]?)\. ")
    assert {"4", "4b", "5", "8", "9"} <= defined
    cited = _where(re.compile(r"architecture(?:\.md)? §\s?(\d+[a-z]?)"))
    missing = {section: sorted(files)[:3] for section, files in cited.items() if section not in defined}
    assert not missing, f"sections that docs/architecture.md does not have: {missing}"


# ---- files ---------------------------------------------------------------------------------------------


def test_nothing_points_outside_the_repository():
    outside = re.compile(re.escape("../" + "shared") + r"|/work/" + "shared")
    found = _where(outside)
    assert not found, f"references to the old specification folder outside the repository: {found}"


def test_the_stack_notes_the_code_cites_are_in_the_docs():
    assert _where(re.compile(r"stack notes", re.IGNORECASE))  # cited by the code
    assert (DOCS / "stack-notes.md").exists()


def test_every_repository_path_named_in_code_and_docs_exists():
    # Files only (a name with a suffix): strings such as the key label `xinyong/check-signature/v1` are not paths.
    named = _where(re.compile(r"(?<![\w/.-])((?:docs|xinyong|bench|scripts)/[\w./-]*\.[a-z]+)\b"))
    # A path may end in a wildcard or a placeholder (`docs/design/*.md`, `xinyong/<app>/`): not a file.
    missing = {
        path: sorted(files)[:3]
        for path, files in named.items()
        if not (ROOT / path).exists()
        and not re.search(r"[*<>{}]", path)
        # In templates, styles and scripts such names are static URLs, not repository paths.
        and any(not f.endswith((".html", ".css", ".js")) for f in files)
    }
    assert not missing, f"paths that do not exist: {missing}"


def test_every_module_the_docs_name_exists():
    """Docs name modules relative to the package too (`checks/engine.py`): each must exist."""
    quoted = re.compile(r"`((?:[\w-]+/)+[\w.-]+\.(?:py|json|html|css|js|md|sh))`")
    missing = {}
    for name, text in _texts().items():
        if not name.endswith(".md"):
            continue
        for path in quoted.findall(text):
            if not (ROOT / path).exists() and not (ROOT / "xinyong" / path).exists():
                missing.setdefault(path, set()).add(name)
    assert not missing, f"modules the docs name that do not exist: {missing}"


_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("document", ["README.md", *(str(p.relative_to(ROOT)) for p in sorted(DOCS.rglob("*.md")))])
def test_links_between_documents_resolve(document):
    text = (ROOT / document).read_text(encoding="utf-8")
    broken = [
        target
        for target in _LINK.findall(text)
        if "://" not in target
        and not target.startswith("mailto:")
        and not (ROOT / document).parent.joinpath(target).exists()
    ]
    assert not broken, f"{document} links to missing files: {broken}"

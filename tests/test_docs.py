"""Every note the code cites is inside the repository, and every section it names exists.

Checked in each .py file, config.yaml and docs/*.md:
- a ``*.md`` path names a file of the repository (from the root, or beside the citing file);
- ``docs/X.md §Title`` names a heading of that file: the title is followed by the end of the line
  or by punctuation, so ``§WeCom callbacks)`` must match a heading exactly;
- the research notes this project started from (platforms, gov-rules, measurements,
  model-codebases) are not cited by name or by their numbered sections (``§7.1``, ``§3c``): they
  are not in the repository, so a maintainer could not follow such a citation;
- docs/rules.md explains every rule id of config.yaml's rule table and names no other;
- a repository path in backquotes in docs/*.md (a module, a test, a fake) exists.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
_SKIP = {"__pycache__", "venv", "data", "build", "dist"}
_MD_PATH = re.compile(r"(?<![\w./-])((?:[\w-]+/)*[\w.-]+\.md)\b")
_CITE = re.compile(r"(?<![\w./-])((?:[\w-]+/)*[\w-]+\.md) §(.*)")
_NOTES = "platforms|gov-rules|measurements|model-codebases"
_NOTE_NAME = re.compile(rf"(?<![\w./-])({_NOTES})(?:\.md)?\s*§")
_NOTE_SECTION = re.compile(r"§\s*\d+(?:\.\d+|[a-z]\b)")
_TITLE_END = set(")）,，.。;；:：'\"`]")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


def _sources() -> list[Path]:
    def kept(path: Path) -> bool:
        parts = path.relative_to(ROOT).parts[:-1]
        return not any(p.startswith(".") or p in _SKIP or p.endswith(".egg-info") for p in parts)

    # This file is left out: its examples of broken citations are broken on purpose.
    found = [p for p in ROOT.rglob("*.py") if kept(p) and p != Path(__file__).resolve()]
    return sorted(
        [*found, ROOT / "config.yaml", ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    )


def _lines(path: Path) -> list[tuple[int, str]]:
    return list(enumerate(path.read_text(encoding="utf-8").splitlines(), start=1))


def _sectioned(path: Path) -> list[tuple[int, str, str]]:
    """(line number, line, title of the section it is in) of a Markdown file; a ``#`` line inside
    a code block is not a heading."""
    out, section, fenced = [], "", False
    for number, line in _lines(path):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (found := _HEADING.match(line)):
            section = found.group(1)
        out.append((number, line, section))
    return out


def headings(path: Path) -> set[str]:
    """The titles of a Markdown file's headings."""
    return {section for _, _, section in _sectioned(path)} - {""}


def _exists(citing: Path, target: str) -> bool:
    for base in (ROOT, citing.parent):
        path = (base / target).resolve()
        if path.is_relative_to(ROOT) and path.is_file():
            return True
    return False


def _title_found(rest: str, titles: set[str]) -> bool:
    return any(
        rest.startswith(t) and (len(rest) == len(t) or rest[len(t)] in _TITLE_END) for t in titles
    )


def problems(path: Path) -> list[str]:
    """Every citation in ``path`` a maintainer could not follow, as ``file:line: why``."""
    where = path.relative_to(ROOT)
    found = []
    for number, line in _lines(path):
        for target in _MD_PATH.findall(line):
            if not _exists(path, target):
                found.append(f"{where}:{number}: {target} is not in the repository")
        for target, rest in _CITE.findall(line):
            if _exists(path, target) and not _title_found(rest, headings(ROOT / target)):
                found.append(f"{where}:{number}: {target} has no heading §{rest}")
        if _NOTE_NAME.search(line) or _NOTE_SECTION.search(line):
            found.append(f"{where}:{number}: cites a research note outside the repository")
    return found


def test_every_cited_note_and_section_is_in_the_repository() -> None:
    found = [problem for path in _sources() for problem in problems(path)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("(platforms.md §7.2)", "platforms.md is not in the repository"),
        ("# follows gov-rules §1.4", "outside the repository"),
        ("the vectors (§7.1 V5)", "outside the repository"),
        ("see docs/rules.md §No such heading)", "has no heading"),
        ("see docs/rules.md §Holidays", "has no heading"),  # a prefix of a heading is not one
    ],
)
def test_a_citation_that_cannot_be_followed_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, complaint: str
) -> None:
    (tmp_path / "docs").mkdir()
    doc = "# Rules\n## Holidays and 调休\n"
    (tmp_path / "docs" / "rules.md").write_text(doc, encoding="utf-8")
    text = f"{line}\nfine (docs/rules.md §Holidays and 调休).\n"
    (tmp_path / "m.py").write_text(text, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = problems(tmp_path / "m.py")
    assert found and all(p.startswith("m.py:1: ") for p in found)
    assert any(complaint in p for p in found)


def test_docs_rules_explains_every_rule_id_and_only_those() -> None:
    table = set(yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))["rules"])
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", text, re.M))
    assert not table - rows, f"rules without a row in docs/rules.md: {sorted(table - rows)}"
    assert not rows - table, f"docs/rules.md rows naming no rule of config.yaml: {rows - table}"
    domains = "|".join(sorted({rule_id.split(".")[0] for rule_id in table}))
    named = set(re.findall(rf"`(?:rules\.)?((?:{domains})\.[a-z_]+)`", text))
    assert not named - table, f"docs/rules.md names rules not in config.yaml: {named - table}"


# Sections that name files a future feature would add: their paths do not exist on purpose.
_EXAMPLE_SECTIONS = {"Where a new feature's files go"}


def test_repository_paths_named_in_the_docs_exist() -> None:
    tops = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")}
    missing = []
    for doc in sorted((ROOT / "docs").glob("*.md")):
        for number, line, section in _sectioned(doc):
            if section in _EXAMPLE_SECTIONS:
                continue
            for path in re.findall(r"`([\w./-]+/[\w./-]*)`", line):
                if path.split("/")[0] in tops and not (ROOT / path).exists():
                    missing.append(f"{doc.relative_to(ROOT)}:{number}: {path}")
    assert not missing, "\n".join(missing)

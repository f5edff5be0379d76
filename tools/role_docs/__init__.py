"""Role READMEs generated from each role's ``meta/argument_specs.yml``, so the two never disagree.

``python -m role_docs`` (with ``tools`` on the path; ``scripts/role-readmes`` does it) rewrites
``roles/*/README.md``; ``--check`` only reports the READMEs that are out of date.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
ROLES = REPO / "roles"
GENERATED_NOTE = (
    "<!-- Generated from meta/argument_specs.yml by scripts/role-readmes: edit that file, not this one. -->"
)

# Ansible's documentation markup, rendered as Markdown.
_MARKUP = (
    (re.compile(r"[COV]\(([^)]*)\)"), r"`\1`"),
    (re.compile(r"E\(([^)]*)\)"), r"`$\1`"),
    (re.compile(r"I\(([^)]*)\)"), r"*\1*"),
    (re.compile(r"B\(([^)]*)\)"), r"**\1**"),
    (re.compile(r"[ML]\(([^)]*)\)"), r"\1"),
)


def render_markup(text: str) -> str:
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text


def _paragraphs(value) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [render_markup(" ".join(str(item).split())) for item in items]


def _type(option: dict) -> str:
    kind = option.get("type", "str")
    if kind == "list" and option.get("elements"):
        kind = f"list of {option['elements']}"
    return kind


def _default(option: dict) -> str:
    if "default" not in option:
        return "required" if option.get("required") else ""
    rendered = yaml.safe_dump(option["default"], default_flow_style=True, width=1000)
    return f"`{rendered.strip().removesuffix('...').strip()}`"


def _option_rows(options: dict, prefix: str = "") -> list[str]:
    rows = []
    for name, option in options.items():
        description = " ".join(_paragraphs(option.get("description")))
        if option.get("choices"):
            description += " Choices: " + ", ".join(f"`{choice}`" for choice in option["choices"]) + "."
        rows.append(f"| `{prefix}{name}` | {_type(option)} | {_default(option)} | {description.strip()} |")
        if option.get("options"):
            suffix = "[]." if option.get("type") == "list" else "."
            rows += _option_rows(option["options"], f"{prefix}{name}{suffix}")
    return rows


def render_readme(role: str, specs: dict) -> str:
    main = specs["argument_specs"]["main"]
    lines = [f"# lattice.mesh.{role}", "", GENERATED_NOTE, "", render_markup(main["short_description"]), ""]
    for paragraph in _paragraphs(main.get("description")):
        lines += [f"- {paragraph}"]
    lines += [
        "",
        "## Variables",
        "",
        "| variable | type | default | description |",
        "| --- | --- | --- | --- |",
        *_option_rows(main.get("options") or {}),
        "",
        "## Use",
        "",
        "```yaml",
        f"- name: Apply lattice.mesh.{role}",
        "  ansible.builtin.include_role:",
        f"    name: lattice.mesh.{role}",
        "```",
        "",
    ]
    return "\n".join(lines)


def roles() -> list[Path]:
    return sorted(path.parent.parent for path in ROLES.glob("*/meta/argument_specs.yml"))


def expected_readmes() -> dict[Path, str]:
    return {
        role / "README.md": render_readme(role.name, yaml.safe_load((role / "meta" / "argument_specs.yml").read_text()))
        for role in roles()
    }


def main(argv: list[str]) -> int:
    stale = [path for path, text in expected_readmes().items() if not path.exists() or path.read_text() != text]
    if "--check" in argv:
        for path in stale:
            print(f"out of date: {path.relative_to(REPO)} (run scripts/role-readmes)")
        return 1 if stale else 0
    for path, text in expected_readmes().items():
        if path in stale:
            path.write_text(text)
            print(f"wrote {path.relative_to(REPO)}")
    return 0

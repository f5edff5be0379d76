"""Role READMEs are generated from meta/argument_specs.yml (tools/role_docs): they must be up to date."""

from role_docs import expected_readmes, render_markup, render_readme


def test_every_role_readme_matches_its_argument_spec():
    stale = [str(path) for path, text in expected_readmes().items() if not path.exists() or path.read_text() != text]
    assert not stale, f"out of date, run scripts/role-readmes: {stale}"


def test_ansible_markup_becomes_markdown():
    assert (
        render_markup("O(x_y) is V(true), see E(AWS_REGION) and C(a/b)")
        == "`x_y` is `true`, see `$AWS_REGION` and `a/b`"
    )


def test_nested_options_are_listed_with_their_path():
    specs = {
        "argument_specs": {
            "main": {
                "short_description": "Demo",
                "options": {
                    "demo_items": {
                        "type": "list",
                        "elements": "dict",
                        "description": "Items.",
                        "options": {"port": {"type": "int", "required": True, "description": "A port."}},
                    }
                },
            }
        }
    }
    text = render_readme("demo", specs)
    assert "| `demo_items[].port` | int | required | A port. |" in text
    assert "| `demo_items` | list of dict |  | Items. |" in text

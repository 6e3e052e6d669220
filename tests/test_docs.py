"""The README and the manual agree where they say the same thing; the README's links land."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end >= 0 else len(text)].strip()


def test_the_go_live_checklist_is_the_same_in_the_readme_and_the_manual():
    readme = (ROOT / "README.md").read_text()
    manual = (ROOT / "docs" / "okta.md").read_text()

    from_readme = _section(readme, "## Go-live checklist")
    # The README links into docs/; the manual links within itself.
    from_readme = from_readme.replace("](docs/okta.md#", "](#").replace("](docs/", "](")

    assert from_readme == _section(manual, "## Go-live checklist")


def test_every_page_the_readme_links_to_exists():
    readme = (ROOT / "README.md").read_text()
    targets = set(re.findall(r"\]\((docs/[^)#]+)", readme))

    assert targets, "the README links into the manual"
    missing = [target for target in targets if not (ROOT / target).is_file()]
    assert not missing

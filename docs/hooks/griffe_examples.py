"""Griffe extension: read a docstring's "Example:" section as an examples section.

The library's docstrings say "Example:" (one example each); Google style's examples section is
"Examples:". Without this, griffe renders "Example:" as a plain admonition and the `>>>` lines as
Markdown. The docstrings in the code are left as they are.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_EXAMPLE = re.compile(r"^(\s*)Example:\s*$", re.M)


class ExampleSections(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _EXAMPLE.sub(r"\1Examples:", obj.docstring.value)

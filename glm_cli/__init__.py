"""The `glm` command and the offline fallback the examples use: application code, outside the library.

`glm_core` never imports this package (nor its emulator, `glm_core.testing`); this package imports
both. `real_or_emulated` runs against the real provider when its key is set, and against the
emulator otherwise.

Example:
    >>> from glm_cli import real_or_emulated                          # doctest: +SKIP
    >>> with real_or_emulated("zai") as connection:
    ...     ...
"""

from __future__ import annotations

from glm_cli.offline import has_credentials, real_or_emulated

__all__ = ["has_credentials", "real_or_emulated"]

"""`python -m glm_cli ...`: the same as the `glm` command."""

from glm_cli.cli import main

raise SystemExit(main())

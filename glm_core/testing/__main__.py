"""`python -m glm_core.testing serve --provider zai --port 0 [--api-key K] [--account-id ID]`

Prints the base URL (with the provider's real path) on one line, then serves until interrupted.
"""

from __future__ import annotations

import argparse
import sys

from glm_core.testing.emulator import Emulator
from glm_core.testing.facts import DEFAULT_ACCOUNT_ID, PROVIDER_FACTS
from glm_core.testing.server import EmulatorServer


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `serve` command."""
    parser = argparse.ArgumentParser(prog="python -m glm_core.testing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve one provider's emulator over HTTP")
    serve.add_argument("--provider", default="zai", choices=sorted(PROVIDER_FACTS))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="0 picks a free port")
    serve.add_argument("--api-key", default=None, help="require this key (default: any key)")
    serve.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID, help="Cloudflare account id")
    serve.add_argument("--served-model", default="glm-4.7-flash", help="vLLM/SGLang served model name")
    args = parser.parse_args(argv)

    emulator = Emulator(
        args.provider,
        api_key=args.api_key,
        account_id=args.account_id,
        served_model=args.served_model,
        max_recorded=0,  # a long-running server should not grow
    )

    def ready(base_url: str) -> None:
        print(base_url, flush=True)  # noqa: T201 - the serve command announces its URL on stdout

    EmulatorServer(emulator, host=args.host, port=args.port).run(ready)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The `glm` command: chat from the terminal, list providers, check a key, serve the emulator.

    glm chat "Why is the sky blue?"            # streams; no key set -> the built-in emulator
    glm chat --provider cloudflare --no-thinking "Hi"
    glm providers                               # what each provider supports
    glm models [--provider openrouter]          # the model catalogue (ids as the provider spells them)
    glm check --provider zai                    # one tiny request: is the key good?
    glm emulator --provider zai --port 8080     # serve the emulator for your own tests

Errors are one clear line on stderr and exit status 1; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any, TextIO

from glm_cli.offline import EMULATOR_ACCOUNT_ID, EMULATOR_API_KEY, env_base_url, has_credentials
from glm_core.capabilities import capability_table, catalogue_table, provider_models
from glm_core.client import GLMClient
from glm_core.errors import (
    APIConnectionError,
    AuthenticationError,
    ConfigurationError,
    GLMError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
)
from glm_core.models import EFFORT_LEVELS
from glm_core.providers import PROVIDERS, get_provider
from glm_core.types import ChatRequest, ChatResponse, UserMessage

__all__ = ["main"]

_DIM, _RESET = "\033[2m", "\033[0m"


def _client(args: argparse.Namespace, *, allow_emulator: bool) -> tuple[GLMClient, bool]:
    """The client for the chosen provider, or one on the built-in emulator when no key is set."""
    profile = get_provider(args.provider)
    if allow_emulator and args.base_url is None and not has_credentials(profile):
        import httpx2

        from glm_core.testing import Emulator

        emulator = Emulator(provider=profile.id, api_key=EMULATOR_API_KEY, account_id=EMULATOR_ACCOUNT_ID)
        http = httpx2.Client(transport=emulator.transport())
        client = GLMClient(
            profile.id,
            api_key=EMULATOR_API_KEY,
            base_url=emulator.base_url,
            account_id=EMULATOR_ACCOUNT_ID,
            http_client=http,
        )
        return client, True
    # --base-url wins; vLLM/SGLang otherwise take GLM_VLLM_BASE_URL / GLM_SGLANG_BASE_URL.
    base_url = args.base_url or env_base_url(profile)
    return GLMClient(profile.id, base_url=base_url, account_id=args.account_id, max_retries=args.max_retries), False


@contextmanager
def _spinner(stream: TextIO) -> Iterator[threading.Event]:
    """A 'waiting' indicator on a terminal until the first token (set the yielded event)."""
    first_token = threading.Event()
    if not stream.isatty():
        yield first_token
        return

    def spin() -> None:
        frames = "|/-\\"
        i = 0
        while not first_token.wait(0.1):
            stream.write(f"\r{frames[i % 4]} waiting for the model...")
            stream.flush()
            i += 1
        stream.write("\r" + " " * 30 + "\r")
        stream.flush()

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    try:
        yield first_token
    finally:
        first_token.set()
        thread.join()


def _response_json(response: ChatResponse) -> dict[str, Any]:
    return {
        "provider": response.provider,
        "model": response.model,
        "content": response.content,
        "reasoning": response.reasoning,
        "tool_calls": [asdict(call) for call in response.tool_calls],
        "finish_reason": response.finish_reason,
        "usage": None if response.usage is None else {k: v for k, v in asdict(response.usage).items() if k != "raw"},
        "web_search": response.web_search,
    }


def _chat(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    client, emulated = _client(args, allow_emulator=True)
    if emulated:
        names = " or ".join(client.provider.api_key_env) if client.provider.base_url else "--base-url"
        err.write(
            f"No {names} set: answering from the built-in emulator, not a real model. "
            "Set the key to talk to the real provider.\n"
        )
    request = ChatRequest(
        model=args.model,
        messages=[UserMessage(" ".join(args.prompt))],
        thinking=False if args.no_thinking else None,
        max_tokens=args.max_tokens,
        reasoning_effort=args.reasoning_effort,
    )
    color = out.isatty()
    in_reasoning = False
    with _spinner(err) as first_token, client.stream(request) as stream:
        for chunk in stream:
            first_token.set()
            if args.json:
                continue
            if chunk.reasoning:
                if not in_reasoning:
                    out.write(f"{_DIM}[thinking] " if color else "[thinking] ")
                    in_reasoning = True
                out.write(chunk.reasoning)
            if chunk.content:
                if in_reasoning:
                    out.write(f"{_RESET}\n\n" if color else "\n[answer] ")
                    in_reasoning = False
                out.write(chunk.content)
            out.flush()
        response = stream.response
    if args.json:
        out.write(json.dumps(_response_json(response), ensure_ascii=False, indent=2) + "\n")
    else:
        if in_reasoning and color:
            out.write(_RESET)
        for call in response.tool_calls:
            out.write(f"\n[tool call] {call.name}({call.arguments})")
        out.write("\n")
    return 0


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    profile = get_provider(args.provider)
    client, _ = _client(args, allow_emulator=False)
    request = ChatRequest(
        model=args.model,
        messages=[UserMessage("Reply with OK.")],
        thinking=False if profile.thinking_switch != "none" else None,
        max_tokens=16,
    )
    try:
        response = client.chat(request)
    except AuthenticationError as exc:
        keys = " or ".join(profile.api_key_env)
        raise _Fail(f"{profile.name} refused the key ({exc.status_code}): check {keys}") from exc
    except QuotaExceededError as exc:
        raise _Fail(f"{profile.name} says the account has no balance or quota left: {exc.message}") from exc
    except (NotFoundError, PermissionDeniedError) as exc:
        hint = f"; is {profile.account_id_env} right?" if profile.account_id_env else "; check the model and base URL"
        raise _Fail(f"{profile.name} answered {exc.status_code}: {exc.message}{hint}") from exc
    except APIConnectionError as exc:
        raise _Fail(f"cannot reach {client.endpoint.base_url}: {exc.message}") from exc
    out.write(f"OK: {profile.name} answered with {response.model or args.model} (key and account are good)\n")
    return 0


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from glm_core.testing.__main__ import main as serve_main

    argv = ["serve", "--provider", args.provider, "--port", str(args.port)]
    if args.api_key:
        argv += ["--api-key", args.api_key]
    serve_main(argv)
    return 0


def _models(provider_id: str | None) -> str:
    if provider_id is None:
        return catalogue_table() + "\n\nAny other id is sent too, with its family's facts (glm-5.3-* as glm-5.3)."
    profile = get_provider(provider_id)
    lines = [f"Documented on {profile.name} (any other id is sent too, by the same naming rule):"]
    lines += [
        f"  {model:<22} -> {wire:<30} context {window:<10} reasoning_effort {levels}"
        for model, wire, window, levels in provider_models(profile)
    ]
    if not profile.naming:
        lines.append("  (self-hosted: the served name is sent as is; facts come from the name's family)")
    return "\n".join(lines)


class _Fail(Exception):
    """A failure to report as one line."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="glm", description="GLM-4.7 on every provider, from the terminal.")
    commands = parser.add_subparsers(dest="command", required=True)

    def provider_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--provider", default="zai", choices=list(PROVIDERS), help="who serves the model")
        sub.add_argument("--model", default="glm-4.7-flash")
        sub.add_argument("--base-url", default=None, help="override the provider's URL (required for vllm/sglang)")
        sub.add_argument("--account-id", default=None, help="Cloudflare account id (or CLOUDFLARE_ACCOUNT_ID)")
        sub.add_argument("--max-retries", type=int, default=2)

    chat = commands.add_parser("chat", help="ask one question and stream the answer")
    provider_options(chat)
    chat.add_argument("prompt", nargs="+")
    chat.add_argument("--no-thinking", action="store_true", help="switch reasoning off")
    chat.add_argument("--json", action="store_true", help="print the whole answer as JSON")
    chat.add_argument("--max-tokens", type=int, default=None)
    chat.add_argument(
        "--reasoning-effort", default=None, choices=EFFORT_LEVELS, help="how hard to think (per model; GLM-5.2+)"
    )

    commands.add_parser("providers", help="what each provider supports")
    models = commands.add_parser("models", help="the model catalogue: limits, thinking, effort levels")
    models.add_argument("--provider", default=None, choices=list(PROVIDERS), help="ids and windows on this provider")

    check = commands.add_parser("check", help="validate the key with one tiny request")
    provider_options(check)

    emulator = commands.add_parser("emulator", help="serve the provider emulator on loopback")
    emulator.add_argument("--provider", default="zai", choices=list(PROVIDERS))
    emulator.add_argument("--port", type=int, default=0)
    emulator.add_argument("--api-key", default=None)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the `glm` command; returns the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = _parser().parse_args(argv)
    try:
        if args.command == "providers":
            out.write(capability_table() + "\n")
            return 0
        if args.command == "models":
            out.write(_models(args.provider) + "\n")
            return 0
        if args.command == "chat":
            return _chat(args, out, err)
        if args.command == "check":
            return _check(args, out, err)
        return _serve(args, out, err)
    except (_Fail, ConfigurationError) as exc:
        err.write(f"glm: {exc}\n")
    except GLMError as exc:
        err.write(f"glm: {type(exc).__name__}: {exc}\n")
    except KeyboardInterrupt:
        err.write("glm: interrupted\n")
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The `glm` command, against the emulator: chat, providers, check (every error case), emulator."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time

import pytest

from glm_cli.cli import main
from glm_core.capabilities import capability_table
from glm_core.testing import Fault

pytest_plugins = ["glm_core.testing.pytest_plugin"]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_chat_without_a_key_answers_from_the_emulator_and_says_so() -> None:
    status, out, err = run("chat", "Why is the sky blue?")
    assert status == 0
    assert "built-in emulator" in err and "ZAI_API_KEY" in err
    assert "[thinking]" in out and "[answer]" in out
    assert "Why is the sky blue?" in out


def test_chat_no_thinking_shows_no_reasoning() -> None:
    status, out, _ = run("chat", "--no-thinking", "Hello there")
    assert status == 0
    assert "[thinking]" not in out
    assert out.strip()


def test_chat_json_prints_the_whole_answer() -> None:
    status, out, _ = run("chat", "--provider", "cloudflare", "--json", "Hi")
    assert status == 0
    answer = json.loads(out)
    assert answer["provider"] == "cloudflare"
    assert answer["content"]
    assert answer["reasoning"]
    assert answer["finish_reason"] == "stop"


@pytest.mark.loopback
def test_chat_with_a_key_talks_to_the_configured_provider(glm_emulator_server, monkeypatch) -> None:
    emulator, base_url = glm_emulator_server("zai", api_key="real-key")
    monkeypatch.setenv("ZAI_API_KEY", "real-key")
    status, _out, err = run("chat", "--base-url", base_url, "--model", "glm-4.7", "Hi")
    assert status == 0, err
    assert "emulator" not in err
    assert emulator.requests[0].body["model"] == "glm-4.7"
    assert emulator.requests[0].body["stream"] is True


def test_providers_prints_the_capability_table() -> None:
    status, out, _ = run("providers")
    assert status == 0
    assert out.strip() == capability_table()


def test_models_prints_the_catalogue_table() -> None:
    from glm_core.capabilities import catalogue_table

    status, out, _ = run("models")
    assert status == 0
    assert out.startswith(catalogue_table())
    assert "family" in out


def test_models_for_one_provider_shows_its_ids_and_windows() -> None:
    status, out, _ = run("models", "--provider", "aimlapi")
    assert status == 0
    assert "glm-5.1                -> zhipu/glm-5-1" in out
    assert "glm-4.7-flash          -> z-ai/glm-4.7-flash" in out
    status, out, _ = run("models", "--provider", "cloudflare")
    assert "-> @cf/zai-org/glm-5.2            context 262,144" in out


def test_chat_takes_a_reasoning_effort() -> None:
    status, out, err = run("chat", "--model", "glm-5.3", "--reasoning-effort", "max", "Hi")
    assert status == 0, err
    assert "[thinking]" in out
    status, out, err = run("chat", "--model", "glm-5.3", "--reasoning-effort", "low", "Hi")
    assert status == 0, err
    assert "[thinking]" not in out  # Z.ai's GLM-5.3 at low effort answered without reasoning (2026-08)
    # A level GLM-5.3 lacks on Z.ai is sent as its nearest (medium -> high), not refused.
    status, out, err = run("chat", "--model", "glm-5.3", "--reasoning-effort", "medium", "Hi")
    assert status == 0, err


@pytest.mark.loopback
def test_check_passes_with_a_good_key(glm_emulator_server, monkeypatch) -> None:
    _, base_url = glm_emulator_server("zai", api_key="good-key")
    monkeypatch.setenv("ZAI_API_KEY", "good-key")
    status, out, err = run("check", "--base-url", base_url)
    assert status == 0, err
    assert out.startswith("OK:")


def test_check_names_the_missing_key() -> None:
    status, _out, err = run("check", "--provider", "openrouter")
    assert status == 1
    assert err.count("\n") == 1 and "OPENROUTER_API_KEY is not set" in err
    assert "Traceback" not in err


@pytest.mark.loopback
def test_check_reports_a_bad_key(glm_emulator_server, monkeypatch) -> None:
    _, base_url = glm_emulator_server("zai", api_key="good-key")
    monkeypatch.setenv("ZAI_API_KEY", "bad-key")
    status, _, err = run("check", "--base-url", base_url)
    assert status == 1
    assert "refused the key" in err and "ZAI_API_KEY" in err
    assert "bad-key" not in err


@pytest.mark.loopback
def test_check_reports_no_balance(glm_emulator_server, monkeypatch) -> None:
    emulator, base_url = glm_emulator_server("zai", api_key="good-key")
    emulator.queue(Fault(code="1113"))
    monkeypatch.setenv("ZAI_API_KEY", "good-key")
    status, _, err = run("check", "--base-url", base_url)
    assert status == 1
    assert "no balance" in err
    assert len(emulator.requests) == 1  # 1113 is final: not retried


@pytest.mark.loopback
def test_check_reports_a_wrong_cloudflare_account_id(glm_emulator_server, monkeypatch) -> None:
    _, base_url = glm_emulator_server("cloudflare", api_key="token", account_id="right-account")
    wrong = base_url.replace("right-account", "{account_id}")
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "token")
    status, _, err = run("check", "--provider", "cloudflare", "--base-url", wrong, "--account-id", "wrong-account")
    assert status == 1
    assert "CLOUDFLARE_ACCOUNT_ID" in err


def test_check_names_the_missing_cloudflare_account_id(monkeypatch) -> None:
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "token")
    status, _, err = run("check", "--provider", "cloudflare")
    assert status == 1
    assert "CLOUDFLARE_ACCOUNT_ID is not set" in err


def test_check_reports_an_unreachable_server(monkeypatch) -> None:
    monkeypatch.setenv("ZAI_API_KEY", "k")
    status, _, err = run("check", "--base-url", "http://127.0.0.1:9/api/paas/v4", "--max-retries", "0")
    assert status == 1
    assert "cannot reach" in err


@pytest.mark.loopback
def test_emulator_command_serves_on_loopback() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "glm_cli.cli", "emulator", "--provider", "zai", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api/paas/v4")
        from glm_core import ChatRequest, GLMClient, UserMessage

        deadline = time.monotonic() + 10
        client = GLMClient("zai", api_key="any", base_url=base_url)
        while True:
            try:
                answer = client.chat(ChatRequest("glm-4.7-flash", [UserMessage("Hi")]))
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert answer.content
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.loopback
@pytest.mark.parametrize("provider", ["vllm", "sglang"])
def test_chat_on_a_self_hosted_server_takes_the_url_from_the_environment(
    glm_emulator_server, monkeypatch, provider: str
) -> None:
    emulator, base_url = glm_emulator_server(provider, served_model="glm-4.7-flash")
    monkeypatch.setenv(f"GLM_{provider.upper()}_BASE_URL", base_url)
    status, _out, err = run("chat", "--provider", provider, "Hi")
    assert status == 0, err
    assert "emulator" not in err  # the real (here: served) endpoint, not the built-in fallback
    assert len(emulator.requests) == 1

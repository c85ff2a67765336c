"""The public names of langchain_glm are pinned: adding or removing one is a deliberate change."""

import langchain_glm

EXPECTED = [
    "ChatGLM",
    "GLMAPIError",
    "GLMAuthenticationError",
    "GLMBadRequestError",
    "GLMConnectionError",
    "GLMContentFilterError",
    "GLMContextOverflowError",
    "GLMEmbeddings",
    "GLMEmptyAnswerError",
    "GLMInvalidRequestError",
    "GLMModelNotFoundError",
    "GLMNotFoundError",
    "GLMPermissionDeniedError",
    "GLMQuotaExceededError",
    "GLMRateLimitError",
    "GLMRefusalError",
    "GLMRerank",
    "GLMResponseDecodeError",
    "GLMServerError",
    "GLMStreamInterruptedError",
    "GLMTimeoutError",
    "GLMToolCallRequiredError",
    "GLMTruncatedEventError",
]


def test_all_is_pinned() -> None:
    assert sorted(langchain_glm.__all__) == EXPECTED


def test_every_public_name_exists() -> None:
    for name in langchain_glm.__all__:
        assert getattr(langchain_glm, name) is not None


def test_no_openai_or_litellm_is_imported() -> None:
    import subprocess
    import sys

    code = "import sys, langchain_glm; print(any(m in sys.modules for m in ('openai', 'litellm')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

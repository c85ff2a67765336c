"""glm_core.testing: a faithful local stand-in for each GLM provider's wire protocol.

It answers on the providers' real paths, with their real response, stream and error shapes, and
it is strict: it rejects what the real provider rejects, with the real status and error body.
It answers by deterministic rules (see `glm_core.testing.brain`) or by a script of `Reply` and
`Fault` items. It imports nothing from the rest of glm_core: it is the oracle the client is
tested against.

Example:
    >>> import httpx2
    >>> from glm_core.testing import Emulator, Fault, Reply
    >>> emu = Emulator("zai", api_key="test-key")
    >>> emu.queue(Fault(status=429, code="1302"), Reply(content="Hi!"))
    >>> client = httpx2.Client(transport=emu.transport(), base_url=emu.base_url,
    ...                        headers={"Authorization": "Bearer test-key"})
    >>> body = {"model": "glm-4.7", "messages": [{"role": "user", "content": "Hello"}]}
    >>> client.post("/chat/completions", json=body).status_code
    429
    >>> client.post("/chat/completions", json=body).json()["choices"][0]["message"]["content"]
    'Hi!'

Over the network: ``with emu.serve() as base_url: ...`` or
``python -m glm_core.testing serve --provider zai --port 0``.
"""

from glm_core.testing.emulator import Emulator, RecordedRequest
from glm_core.testing.facts import DEFAULT_ACCOUNT_ID, PROVIDER_FACTS, UNCERTAIN_CHOICES
from glm_core.testing.script import FAULT_KINDS, Capture, Fault, FaultKind, Reply, ToolCallSpec
from glm_core.testing.shapes import DEFAULT_SHAPES, OPENROUTER_UPSTREAMS, Shape
from glm_core.testing.transport import EmulatorTransport
from glm_core.testing.vectors import overlap_score, text_vector

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_SHAPES",
    "FAULT_KINDS",
    "OPENROUTER_UPSTREAMS",
    "PROVIDER_FACTS",
    "UNCERTAIN_CHOICES",
    "Capture",
    "Emulator",
    "EmulatorTransport",
    "Fault",
    "FaultKind",
    "RecordedRequest",
    "Reply",
    "Shape",
    "ToolCallSpec",
    "overlap_score",
    "text_vector",
]

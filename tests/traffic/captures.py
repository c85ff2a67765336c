# ruff: noqa: RUF001  (the Chinese bodies keep their full-width punctuation, byte for byte)
"""Captured GLM traffic, as bytes, for the replay tests (shared/reference/real-traffic.md,
"Additions, 2026-12", and user-reports-2026.md).

Every constant says where its bytes come from. Where the source quotes only part of an answer
(an excerpt with "…", or only the last events of a stream), what is missing is restored in the
provider's own shape and the restoration is named next to it; everything quoted is kept byte for
byte (key order, spacing, escapes, Chinese text).
"""

from __future__ import annotations

import json
from typing import Any

from glm_core.testing import Capture


def sse(*payloads: str | dict[str, Any], done: bool = True) -> list[bytes]:
    """SSE frames, one read each: a str payload is sent as it is, a dict compactly encoded."""
    frames = [
        b"data: "
        + (p if isinstance(p, str) else json.dumps(p, ensure_ascii=False, separators=(",", ":"))).encode()
        + b"\n\n"
        for p in payloads
    ]
    return [*frames, b"data: [DONE]\n\n"] if done else frames


# -- §3.1 Z.ai PAYG, glm-5.3 at reasoning_effort "low": no reasoning_content key -------------------
# pydantic/pydantic-ai tests/models/cassettes/test_zai/test_zai_reasoning_effort[glm-5.3].yaml
# @57c7664367d893b8874b01ecee9c4ba27f5ce490 (2026-08-30), the YAML body written as JSON. The
# excerpt quotes the message, ids, model, object and usage; the `choices` wrapper, `index` and
# finish_reason "stop" are restored (not quoted).
GLM_5_3_LOW_EFFORT_BODY = (
    '{"choices":[{"finish_reason":"stop","index":0,"message":{"content":"2 + 2 = 4","role":"assistant"}}],'
    '"created":1788037029,"id":"202608300457085be08e0effa14981","model":"glm-5.3","object":"chat.completion",'
    '"request_id":"202608300457085be08e0effa14981","usage":{"completion_tokens":9,'
    '"completion_tokens_details":{"reasoning_tokens":0},"prompt_tokens":20,'
    '"prompt_tokens_details":{"cached_tokens":0},"total_tokens":29}}'
)
GLM_5_3_LOW_EFFORT = Capture(
    GLM_5_3_LOW_EFFORT_BODY.encode(),
    headers={"ga-traceid": "0b35ae0570d044b50823fc603873f364", "alt-svc": 'h3=":443"; ma=3600'},
    content_type="application/json; charset=UTF-8",
    source="pydantic-ai cassette test_zai_reasoning_effort[glm-5.3], 2026-08-30",
)

# -- §3.5 vLLM 0.19.0 serving GLM-5.1 with MTP: the cumulative final tool-call chunk ---------------
# vllm-project/vllm#42167. The last two events are quoted; the second one's elided keys
# ("object", "created", "model") are restored from the first. The events before them (the first
# role delta, the call's id and name, and the argument text up to the quoted tail) are restored in
# vLLM's shape so the call has a beginning.
VLLM_CUMULATIVE_ARGUMENTS = '{"date": "2025-03-26", "amount": 300, "fee_type": "过路费", "income_type": "支出"}'
VLLM_CUMULATIVE_FINAL_CHUNK = sse(
    # restored
    '{"id":"chatcmpl-8b6e41238cd6bef0","object":"chat.completion.chunk","created":1778335909,"model":"glm-5.1",'
    '"choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning_content":null},"logprobs":null,'
    '"finish_reason":null}],"prompt_token_ids":null}',
    '{"id":"chatcmpl-8b6e41238cd6bef0","object":"chat.completion.chunk","created":1778335909,"model":"glm-5.1",'
    '"choices":[{"index":0,"delta":{"tool_calls":[{"id":"chatcmpl-tool-9f2c1a7e5b3d4c8a","type":"function",'
    '"index":0,"function":{"name":"record_expense","arguments":""}}]},"logprobs":null,"finish_reason":null,'
    '"token_ids":null}]}',
    '{"id":"chatcmpl-8b6e41238cd6bef0","object":"chat.completion.chunk","created":1778335909,"model":"glm-5.1",'
    '"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":'
    '"{\\"date\\": \\"2025-03-26\\", \\"amount\\": 300, \\"fee_type\\": \\"过路费\\", \\"income_type\\": \\""}}]},'
    '"logprobs":null,"finish_reason":null,"token_ids":null}]}',
    # quoted (vllm#42167)
    '{"id":"chatcmpl-8b6e41238cd6bef0","object":"chat.completion.chunk","created":1778335909,"model":"glm-5.1",'
    '"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"支出\\""}}]},'
    '"logprobs":null,"finish_reason":null,"token_ids":null}]}',
    '{"id":"chatcmpl-8b6e41238cd6bef0","object":"chat.completion.chunk","created":1778335909,"model":"glm-5.1",'
    '"choices":[{"index":0,"delta":{"tool_calls":[{"id":null,"type":null,"index":0,"function":{"name":null,'
    '"arguments":"{\\"date\\": \\"2025-03-26\\", \\"amount\\": 300, \\"fee_type\\": \\"过路费\\", '
    '\\"income_type\\": \\"支出\\"}"}}]},"logprobs":null,"finish_reason":"tool_calls","stop_reason":154829,'
    '"token_ids":null}]}',
)
VLLM_CUMULATIVE = Capture(VLLM_CUMULATIVE_FINAL_CHUNK, source="vllm-project/vllm#42167 (vLLM 0.19.0, GLM-5.1, MTP)")

# -- §3.6 Z.ai GLM-5.1: a frame cut mid-JSON with the next `data:` glued onto it ------------------
# zai-org/GLM-5#66 (2026-04-30): the glued line is quoted; the first event (a whole chunk of the
# first response, in GLM-5.x's key order) is restored so that the glued one arrives mid-stream.
GLUED_FIRST_EVENT = (
    '{"id":"20260430204055297b97348c8e426c","created":1777552855,"object":"chat.completion.chunk",'
    '"model":"glm-5.1","choices":[{"index":0,"delta":{"role":"assistant","content":"1"}}]}'
)
GLUED_LINE = (
    '{"id":"20260430204055297b97348c8e426c","created":1777552855,"object":"chat.cdata: '
    '{"id":"2026043020420635c6abc56a2741ac","created":1777552926,"object":"chat.completion.chunk",'
    '"model":"glm-5.1","choices":[{"index":0,"delta":{"role":"assistant","content":"11"}}]}'
)
GLUED_MID_STREAM = Capture(sse(GLUED_FIRST_EVENT, GLUED_LINE), source="zai-org/GLM-5#66")
GLUED_FIRST = Capture(sse(GLUED_LINE), source="zai-org/GLM-5#66 (the glued line as the first event)")

# -- §3.7 Cloudflare Workers AI, @cf/zai-org/glm-5.3-flash via env.AI.run (2026-10-03 incident) ---
# The first event (with its random `p` padding) and the final native chunk are quoted as
# captured; the `choices: []` event's elided keys are restored from the first event (its quoted
# `p` and `neurons: 0` kept). The run had max_tokens 16 and finish_reason "length": the events
# between (reasoning deltas, each with the running usage) are restored in the same shape.
CF_FIRST = (
    '{"choices":[{"delta":{"content":"","reasoning_content":null,"role":"assistant"},"finish_reason":null,'
    '"index":0,"logprobs":null,"matched_stop":null}],"created":1790996567,"id":"2e6734ec658642b995b4f462c336cb04",'
    '"model":"@cf/zai-org/glm-5.3-flash","object":"chat.completion.chunk",'
    '"p":"m6yrlv8lur9xfkv0smyoh5vb562uu4u3y3tsj7zffh6rexgj0j","usage":{"prompt_tokens":14,"completion_tokens":0,'
    '"total_tokens":14,"prompt_tokens_details":{"cached_tokens":0},"neurons":0.19090907275676727}}'
)
CF_EMPTY_CHOICES = (
    '{"choices":[],"created":1790996567,"id":"2e6734ec658642b995b4f462c336cb04",'
    '"model":"@cf/zai-org/glm-5.3-flash","object":"chat.completion.chunk","p":"360s8p",'
    '"usage":{"prompt_tokens":14,"completion_tokens":16,"total_tokens":30,'
    '"prompt_tokens_details":{"cached_tokens":0},"neurons":0}}'
)
CF_NATIVE_FINAL = (
    '{"response":"","usage":{"prompt_tokens":14,"completion_tokens":16,"total_tokens":30,'
    '"prompt_tokens_details":{"cached_tokens":0},"neurons":0.9181818701326847}}'
)


def cf_event(delta: dict[str, Any], completion_tokens: int, finish: str | None = None, p: str = "k3v9") -> str:
    """A restored middle event of the §3.7 stream, in the captured shape."""
    return json.dumps(
        {
            "choices": [{"delta": delta, "finish_reason": finish, "index": 0, "logprobs": None, "matched_stop": None}],
            "created": 1790996567,
            "id": "2e6734ec658642b995b4f462c336cb04",
            "model": "@cf/zai-org/glm-5.3-flash",
            "object": "chat.completion.chunk",
            "p": p,
            "usage": {
                "prompt_tokens": 14,
                "completion_tokens": completion_tokens,
                "total_tokens": 14 + completion_tokens,
                "prompt_tokens_details": {"cached_tokens": 0},
                "neurons": round(0.19090907275676727 + completion_tokens * 0.045, 6),
            },
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


# The captured run: 16 tokens of reasoning, no answer, finish_reason "length".
CF_GLM_5_3_FLASH_RUN = Capture(
    sse(
        CF_FIRST,
        cf_event({"content": None, "reasoning_content": "The user says hi. ", "role": None}, 6, p="q0"),
        cf_event({"content": None, "reasoning_content": "I should greet them back", "role": None}, 16, p="x7w"),
        cf_event({"content": None, "reasoning_content": None, "role": None}, 16, finish="length", p="2"),
        CF_EMPTY_CHOICES,
        CF_NATIVE_FINAL,
    ),
    source="Workers AI @cf/zai-org/glm-5.3-flash stream, 2026-10-03 incident (real-traffic.md §3.7)",
)


def cf_tool_run() -> Capture:
    """The §3.7 shape carrying reasoning, text and a tool call (the calls the incident aborted)."""
    arguments = '{"city": "北京"}'
    return Capture(
        sse(
            CF_FIRST,
            cf_event({"content": None, "reasoning_content": "Weather needs a tool.", "role": None}, 5),
            cf_event({"content": "Let me check.", "reasoning_content": None, "role": None}, 9),
            cf_event(
                {
                    "content": None,
                    "reasoning_content": None,
                    "role": None,
                    "tool_calls": [
                        {
                            "id": "call_2e67",
                            "index": 0,
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": arguments[:9]},
                        }
                    ],
                },
                13,
            ),
            cf_event(
                {"tool_calls": [{"index": 0, "function": {"arguments": arguments[9:]}}]},
                16,
            ),
            cf_event({"content": None, "reasoning_content": None, "role": None}, 16, finish="tool_calls"),
            CF_EMPTY_CHOICES,
            CF_NATIVE_FINAL,
        ),
        source="real-traffic.md §3.7 shape, with a tool call (restored)",
    )


# -- Error bodies -------------------------------------------------------------------------------
# (status, body, where it was seen). Bodies are byte for byte as quoted.
ERROR_BODIES: dict[str, tuple[int, str, str]] = {
    "zai flat 1210": (
        400,
        '{"code":"1210","message":"Invalid API parameter, please check the documentation."}',
        "charmbracelet/crush#1237 (2025-10), flat Z.ai body",
    ),
    "zai 1214 messages (zh)": (
        400,
        '{"error":{"code":"1214","message":"messages 参数非法。请检查文档。"}}',
        "AstrBotDevs/AstrBot#4864 (glm-4.7)",
    ),
    "zai 1214 empty text": (
        400,
        '{"error":{"code":"1214","message":"messages[20].content[0].text:text cannot be empty."}}',
        "agentscope-ai/QwenPaw#287",
    ),
    "zai 429 no balance (zh)": (
        429,
        '{"error":{"code":"1113","message":"余额不足或无可用资源包,请充值。"}}',
        "continuedev/continue#10296",
    ),
    "zai 1309 flat": (
        429,
        '{"code":"1309","message":"Your GLM Coding Plan package has expired and is temporarily unavailable. '
        'You can resume using it after renewing the subscription on the official website. https://z.ai/subscribe"}',
        "earendil-works/pi#6723 (2026-08-30)",
    ),
    "zai 1308 five hours": (
        429,
        '{"error":{"code":"1308","message":"Usage limit reached for 5 hour. '
        'Your limit will reset at 2026-08-27 21:31:39"}}',
        "continuedev/continue#13195 (2026-08-27); the body shape as in hugalafutro/model-hotel#955",
    ),
    "openrouter 402": (
        402,
        '{"error":{"code":402,"message":"Prompt tokens limit exceeded: 9000 > 4172. To increase, visit '
        'https://openrouter.ai/settings/credits and add more credits"}}',
        "continuedev/continue#10962 (z-ai/glm-4.7-flash, 2026-03)",
    ),
    "bigmodel 1000 on 200": (
        200,
        '{"code":1000,"msg":"身份验证失败。","success":false}',
        "BigModel /api/v1/responses, live 2026-10-09 (real-traffic.md §3.3)",
    ),
    "bigmodel 1261": (400, '{"code":"1261","message":"Prompt exceeds max length"}', "real-traffic.md §3.3"),
    "bigmodel 1000": (401, '{"code":"1000","message":"身份验证失败。"}', "real-traffic.md §3.3"),
    "bigmodel 1113": (429, '{"code":"1113","message":"余额不足或无可用资源包,请充值。"}', "real-traffic.md §3.3"),
    "bigmodel 1305": (429, '{"code":"1305","message":"该模型当前访问量过大，请您稍后再试"}', "real-traffic.md §3.3"),
    "bigmodel 1210 always thinks": (
        400,
        '{"code":"1210","message":"该模型始终思考，不支持关闭思考；请使用 low、high 或 max。"}',
        "real-traffic.md §3.3",
    ),
    "bigmodel 1210 max_tokens": (
        400,
        '{"code":"1210","message":"max_tokens参数非法：限制数值范围[1,98304]"}',
        "real-traffic.md §3.3",
    ),
    "bigmodel 1211": (400, '{"code":"1211","message":"模型不存在，请检查模型代码。"}', "real-traffic.md §3.3"),
    "bigmodel responses context_length_exceeded": (
        400,
        '{"error":{"code":"context_length_exceeded","message":"Prompt exceeds max length"}}',
        "real-traffic.md §3.3 (BigModel Responses, non-streamed oversize input)",
    ),
    "zai anthropic route 1302": (
        429,
        '{"error":{"code":"1302","message":"Rate limit reached for requests"},'
        '"request_id":"20260212064144579f5b8f457f4e06"}',
        "kaitranntt/ccs#536 (base https://api.z.ai/api/anthropic), real-traffic.md §3.4",
    ),
}

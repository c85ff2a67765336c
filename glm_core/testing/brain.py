"""The default "rules" brain: a deterministic stand-in for the model.

Rules, applied to the last message:
1. Thinking on (the provider's switch, see context.py) -> a short reasoning sentence first.
2. Tools: with function tools bound and tool_choice not "none":
   - forced (tool_choice "required"/"any" -> the tools the message asks for, else the first
     tool; a named choice -> that tool) -> call them;
   - "auto" and the last message is the user's -> call every tool whose name the message
     mentions; if none is named, every tool sharing a keyword (4+ letters, crude stem, stopwords
     dropped) between the message and the tool's name/description. Several -> parallel calls.
   Arguments come from the tool's JSON schema (schema_values.py): numbers from the message in
   order, strings from quoted strings, then capitalised phrases, then a word; booleans true;
   enums their first value; arrays/objects minimal.
3. Last message role "tool" (and nothing forced) -> "The result is <tool contents>."
4. JSON mode (response_format json_object) -> a JSON object: built from a JSON schema found in
   the system/user text (`{... "properties": ...}`), else keyed by the quoted words of the user
   message, else {"answer": ...}. response_format json_schema -> an object valid for its schema.
5. Otherwise "Hello! You said: <first 12 words of the last user message>"; when that message
   carries images, videos or files, prefixed with what arrived: "I received 2 images (image/png,
   image/jpeg). Hello! ..." (MIME types from data: URLs, base64 magic bytes or URL extensions).
6. Web search (Z.ai web_search tool / EmpirioLabs tool_web_search) -> two deterministic results,
   returned in `web_search` when search_result is on; the answer cites [ref_1].
7. Stop strings truncate the content at the first match (finish_reason "stop"). The token budget
   (max_completion_tokens or max_tokens; tokens = ceil(chars/4)) is spent on reasoning first: if
   reasoning uses it up, the content is empty and finish_reason is "length", as real GLM does;
   else the content is cut to what is left (finish_reason "length").
8. GLM-4.5V wraps its answer in `<|begin_of_box|>...<|end_of_box|>`, as the real model does (the
   client cleans it: glm_core.markers).
"""

from __future__ import annotations

import json
import re
from typing import Any

from glm_core.testing.context import RequestContext
from glm_core.testing.plan import Plan, PlannedCall, completion_tokens
from glm_core.testing.schema_values import ValueSource, build_value
from glm_core.testing.text import keywords, message_text, quoted_strings, significant_words, tokens
from glm_core.testing.vision import BOX_CLOSE, BOX_OPEN, describe_media

__all__ = ["rules_answer"]

_SNIPPET_WORDS = 12


def _messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    messages = body.get("messages")
    if isinstance(messages, list) and messages:
        return [m for m in messages if isinstance(m, dict)]
    prompt = body.get("prompt")  # Cloudflare native accepts a raw prompt instead of messages
    return [{"role": "user", "content": prompt if isinstance(prompt, str) else ""}]


def _last_user_text(messages: list[dict[str, Any]]) -> str:
    for m in reversed(messages):
        if m.get("role") == "user":
            return message_text(m.get("content"))
    return ""


def _snippet(text: str) -> str:
    words = text.split()
    return " ".join(words[:_SNIPPET_WORDS]) + (" ..." if len(words) > _SNIPPET_WORDS else "")


def _function_tools(body: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for t in body.get("tools") or ():
        if isinstance(t, dict) and t.get("type", "function") == "function" and isinstance(t.get("function"), dict):
            out.append(t["function"])
    return out


def _asked_tools(text: str, tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lower = text.lower()
    named = [t for t in tools if re.search(r"(?<!\w)" + re.escape(str(t.get("name", "")).lower()) + r"(?!\w)", lower)]
    if named:
        return named
    wanted = keywords(text)
    if not wanted:
        return []
    return [t for t in tools if wanted & (keywords(str(t.get("name", ""))) | keywords(str(t.get("description") or "")))]


def _choose_tools(ctx: RequestContext, tools: list[dict[str, Any]], last_role: str, text: str) -> list[dict[str, Any]]:
    choice = ctx.body.get("tool_choice", "auto")
    if not tools or choice == "none":
        return []
    if isinstance(choice, dict):
        fn = choice.get("function")
        name = fn.get("name") if isinstance(fn, dict) else choice.get("name")
        return [t for t in tools if t.get("name") == name][:1]
    if choice in ("required", "any"):
        return _asked_tools(text, tools) or tools[:1]
    return _asked_tools(text, tools) if last_role == "user" else []


def _tool_results(messages: list[dict[str, Any]]) -> str:
    results: list[str] = []
    for m in reversed(messages):
        if m.get("role") != "tool":
            break
        results.append(message_text(m.get("content")).strip())
    return ", ".join(reversed(results))


def _find_schema(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    decoder = json.JSONDecoder()
    for m in messages:
        if m.get("role") not in ("system", "user", "developer"):
            continue
        text = message_text(m.get("content"))
        if '"properties"' not in text:
            continue
        start = text.find("{")
        while start != -1:
            try:
                value, _ = decoder.raw_decode(text, start)
            except ValueError:
                value = None
            if isinstance(value, dict) and isinstance(value.get("properties"), dict):
                return value
            start = text.find("{", start + 1)
    return None


def _json_answer(ctx: RequestContext, messages: list[dict[str, Any]], text: str) -> str | None:
    fmt = ctx.body.get("response_format")
    if not isinstance(fmt, dict):
        return None
    obj: Any
    if fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, dict) else None
        schema = schema if isinstance(schema, dict) else {"type": "object"}
        obj = build_value(schema, ValueSource(text, use_quoted=False), fill_all=True)
    elif fmt.get("type") == "json_object":
        schema = _find_schema(messages)
        if schema is not None:
            obj = build_value(schema, ValueSource(text, use_quoted=False), fill_all=True)
        else:
            keys = list(dict.fromkeys(quoted_strings(text)))
            words = significant_words(text)
            topic = words[-1] if words else "this"
            obj = {k: f"{k} about {topic}" for k in keys} if keys else {"answer": f"You said: {_snippet(text)}"}
    else:
        return None
    return json.dumps(obj, ensure_ascii=False)


def _web_search(ctx: RequestContext, text: str) -> tuple[bool, list[dict[str, Any]] | None]:
    """(searched, results to return or None)."""
    body = ctx.body
    query, show, count = text, False, 2
    if ctx.facts.family == "empiriolabs":
        if body.get("tool_web_search") is not True:
            return False, None
        show = body.get("search_result") is not False
        count = body.get("count", 2) if isinstance(body.get("count"), int) else 2
    else:
        tool = next((t for t in body.get("tools") or () if isinstance(t, dict) and t.get("type") == "web_search"), None)
        if tool is None or ctx.facts.family not in ("zai", "aimlapi"):
            return False, None
        ws = tool.get("web_search")
        ws = ws if isinstance(ws, dict) else {}
        if ws.get("enable") is False:
            return False, None
        show = ws.get("search_result") is True
        query = ws["search_query"] if isinstance(ws.get("search_query"), str) else text
        count = ws["count"] if isinstance(ws.get("count"), int) else 2
    q = _snippet(query) or "the question"
    results = [
        {
            "title": f"Result {i} for {q}",
            "content": f"Background information {i} about {q}.",
            "link": f"https://example.com/search/{i}",
            "media": "Example",
            "icon": "https://example.com/favicon.ico",
            "refer": f"ref_{i}",
            "publish_date": "2026-01-01",
        }
        for i in range(1, min(count, 2) + 1)
    ]
    return True, results if show else None


def rules_answer(ctx: RequestContext, prompt: int) -> Plan:
    """Answer a validated request by the rules in this module's docstring."""
    messages = _messages(ctx.body)
    last_role = str(messages[-1].get("role", "user")) if messages else "user"
    text = _last_user_text(messages)
    tools = _function_tools(ctx.body)
    chosen = _choose_tools(ctx, tools, last_role, text)

    calls: list[PlannedCall] = []
    content = ""
    reasoning: str
    if chosen:
        for tool in chosen:
            args = build_value(tool.get("parameters") or {"type": "object", "properties": {}}, ValueSource(text))
            arguments = json.dumps(args, ensure_ascii=False, separators=(",", ":"))
            calls.append(PlannedCall(str(tool.get("name")), arguments))
        names = ", ".join(c.name for c in calls)
        reasoning = f"The user needs {names}. I will call the tool{'s' if len(calls) > 1 else ''}."
    elif last_role == "tool":
        content = f"The result is {_tool_results(messages)}."
        reasoning = "The tool returned its result. I will report it to the user."
    else:
        as_json = _json_answer(ctx, messages, text)
        if as_json is not None:
            content = as_json
            reasoning = "The user wants a JSON object. I will build one."
        else:
            content = f"Hello! You said: {_snippet(text)}" if text.strip() else "Hello! How can I help you today?"
            reasoning = f'The user wrote "{_snippet(text)[:60]}". I will answer briefly.'
            media = describe_media(messages[-1:])
            if media is not None:  # a vision request: say what arrived, so a test can assert on it
                content = f"I {media}. {content}"
                reasoning = f"The user sent media ({media}). {reasoning}"

    searched, results = _web_search(ctx, text) if not calls else (False, None)
    if searched:
        content = f"According to [ref_1]: {content}"

    finish = "tool_calls" if calls else "stop"
    if not calls and ctx.stops:
        cut = min((i for i in (content.find(s) for s in ctx.stops) if i != -1), default=-1)
        if cut != -1:
            content = content[:cut]

    think: str | None = reasoning if ctx.thinking else None
    if ctx.budget is not None:
        used = tokens(think)
        if think is not None and used >= ctx.budget:
            think, content, calls, finish = think[: ctx.budget * 4], "", [], "length"
        else:
            left = ctx.budget - used
            if calls and sum(tokens(c.name) + tokens(c.arguments) for c in calls) > left:
                content, calls, finish = "", [], "length"
            elif tokens(content) > left:
                content, finish = content[: left * 4], "length"

    if content and ctx.served.boxes:
        content = f"{BOX_OPEN}{content}{BOX_CLOSE}"
    return Plan(
        content=content,
        reasoning=think,
        tool_calls=calls,
        finish_reason=finish,
        prompt_tokens=prompt,
        completion_tokens=completion_tokens(content, think, calls),
        reasoning_tokens=tokens(think),
        web_search=results,
    )

#!/usr/bin/env python3
"""Renders every template in templates.json for every conversation in conversations.json exactly as
transformers' apply_chat_template does (tokenize=False), and writes goldens.json.

transformers (utils/chat_template_utils.py) compiles chat templates with
    ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                  extensions=[AssistantTracker, jinja2.ext.loopcontrols])
with the filter tojson (json.dumps, ensure_ascii=False) and the globals raise_exception and
strftime_now, and renders with messages, tools, documents, add_generation_prompt and the
tokenizer's special tokens (only those that are set). AssistantTracker only adds the
{% generation %} tag, which none of these templates use, so it is left out here: the script needs
nothing but jinja2 (3.1.x). Run it from this folder: python3 render_goldens.py
"""
import json
from datetime import datetime
from pathlib import Path

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = Path(__file__).parent


class RaisedByTemplate(Exception):
    pass


def raise_exception(message):
    raise RaisedByTemplate(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return datetime.now().strftime(format)


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def pick_template(chat_template):
    # a list of named templates: transformers uses the one named "default"
    if isinstance(chat_template, list):
        return {t["name"]: t["template"] for t in chat_template}["default"]
    return chat_template


def main():
    templates = json.loads((HERE / "templates.json").read_text(encoding="utf-8"))["templates"]
    conversations = json.loads((HERE / "conversations.json").read_text(encoding="utf-8"))["conversations"]
    env = environment()
    goldens = []
    for t in templates:
        config = t["tokenizer_config"]
        compiled = env.from_string(pick_template(config["chat_template"]))
        special = {k: v for k, v in config.items() if k.endswith("_token") and v is not None}
        for c in conversations:
            for add_generation_prompt in (True, False):
                case = {"template": t["name"], "conversation": c["name"], "add_generation_prompt": add_generation_prompt}
                try:
                    case["output"] = compiled.render(messages=c["messages"], tools=c.get("tools"), documents=None,
                                                     add_generation_prompt=add_generation_prompt, **special)
                except RaisedByTemplate as e:
                    case["raised"] = str(e)
                goldens.append(case)
    out = {"_comment": "Written by render_goldens.py with jinja2 " + jinja2.__version__ + "; do not edit by hand.",
           "cases": goldens}
    (HERE / "goldens.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(len(goldens), "cases,", sum("raised" in g for g in goldens), "raised")


if __name__ == "__main__":
    main()

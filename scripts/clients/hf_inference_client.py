#!/usr/bin/env python3
"""huggingface_hub.InferenceClient against Modelport's raw Hugging Face routes, every task present.

Each deployment is reached twice: at MODELPORT_URL/models/<id> (the Inference API's own path) and, when it
has one, at its dedicated port's root (http://127.0.0.1:<port>). Environment (the client scripts' convention):
  MODELPORT_URL          main base URL, e.g. http://127.0.0.1:8000
  MODELPORT_DEPLOYMENTS  JSON: task -> {"id": "<deployment id>", "port": <dedicated port or null>}
  MODELPORT_API_KEY      optional: sent as the client's token (Authorization: Bearer)
Prints "PASS <client> <call>" or "FAIL <client> <call>: <why>" per call, "SKIP ..." for what is absent;
exits 1 when any call failed.
"""
import sys

try:
    from huggingface_hub import InferenceClient
except ImportError:
    print("SKIP huggingface_hub.InferenceClient: not installed")
    sys.exit(0)

from clientkit import API_KEY as TOKEN, DEPLOYMENTS, URL, Skip, exit_code, expect, run




def number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def targets(task):
    """(client name, base URL) for the deployment of a task: /models/<id>, then its port if it has one."""
    d = DEPLOYMENTS.get(task)
    if not d:
        print(f"SKIP InferenceClient {task}: no deployment", flush=True)
        return []
    out = [(f"InferenceClient(/models/{d['id']})", f"{URL}/models/{d['id']}")]
    if d.get("port"):
        out.append((f"InferenceClient(port {d['port']})", f"http://127.0.0.1:{d['port']}"))
    else:
        print(f"SKIP InferenceClient(port) {task}: no dedicated port", flush=True)
    return out


def text_classification(c):
    out = c.text_classification("I love this movie, it is wonderful")
    expect(isinstance(out, list) and out, f"a list of labels, got {out!r}")
    for e in out:
        expect(isinstance(e.label, str) and number(e.score), f"label and score, got {e!r}")


def token_classification(c):
    out = c.token_classification("My name is Sarah and I live in London")
    expect(isinstance(out, list), f"a list of entities, got {out!r}")
    for e in out:
        expect(isinstance(e.word, str) and number(e.score) and isinstance(e.start, int) and isinstance(e.end, int),
               f"word, score, start, end, got {e!r}")
        expect(isinstance(e.entity_group or e.entity, str), f"an entity or entity_group, got {e!r}")


def fill_mask(c):
    last = None
    for mask in ("[MASK]", "<mask>"):
        try:
            out = c.fill_mask(f"The capital of France is {mask}.")
        except Exception as e:  # noqa: BLE001 - the other mask token may be the model's
            last = e
            continue
        expect(isinstance(out, list) and out, f"a list of candidates, got {out!r}")
        for e in out:
            expect(number(e.score) and isinstance(e.token, int) and isinstance(e.token_str, str)
                   and isinstance(e.sequence, str), f"score, token, token_str, sequence, got {e!r}")
        return
    raise last


def question_answering(c):
    out = c.question_answering(question="Where do I live?", context="My name is Wolfgang and I live in Berlin")
    expect(not isinstance(out, list), f"one answer, got {out!r}")
    expect(isinstance(out.answer, str) and number(out.score) and isinstance(out.start, int)
           and isinstance(out.end, int), f"answer, score, start, end, got {out!r}")


def feature_extraction(c):
    try:
        import numpy  # noqa: F401 - InferenceClient.feature_extraction answers a numpy array
    except ImportError:
        raise Skip("numpy not installed")
    out = c.feature_extraction("Today is a sunny day")
    expect(out.size > 0 and str(out.dtype) == "float32", f"a float32 array, got {out!r}")


def sentence_similarity(c):
    out = c.sentence_similarity("Machine learning is so easy.",
                                other_sentences=["Deep learning is so straightforward.", "This is so difficult."])
    expect(isinstance(out, list) and len(out) == 2 and all(number(x) for x in out), f"two floats, got {out!r}")


def zero_shot_classification(c):
    out = c.zero_shot_classification("I love this new phone", candidate_labels=["technology", "sport", "cooking"])
    expect(isinstance(out, list) and len(out) == 3, f"three labels, got {out!r}")
    for e in out:
        expect(isinstance(e.label, str) and number(e.score), f"label and score, got {e!r}")


def text_generation(c):
    out = c.text_generation("Hello, my name is", max_new_tokens=8)
    expect(isinstance(out, str) and out, f"generated text, got {out!r}")


def text_generation_details(c):
    out = c.text_generation("Hello, my name is", max_new_tokens=8, details=True)
    expect(isinstance(out.generated_text, str), f"generated_text, got {out!r}")
    d = out.details
    expect(d is not None and isinstance(d.finish_reason, str) and isinstance(d.generated_tokens, int),
           f"details with finish_reason and generated_tokens, got {d!r}")
    expect(len(d.tokens) == d.generated_tokens, f"{d.generated_tokens} tokens, got {len(d.tokens)}")
    for t in d.tokens:
        expect(isinstance(t.id, int) and isinstance(t.text, str) and number(t.logprob) and isinstance(t.special, bool),
               f"id, text, logprob, special, got {t!r}")


def text_generation_stream(c):
    texts = list(c.text_generation("Hello, my name is", max_new_tokens=8, stream=True))
    expect(texts and all(isinstance(t, str) for t in texts), f"token texts, got {texts!r}")


def text_generation_stream_details(c):
    events = list(c.text_generation("Hello, my name is", max_new_tokens=8, stream=True, details=True))
    expect(events, "no events")
    joined = "".join(e.token.text for e in events)
    last = events[-1]
    expect(last.details is not None and isinstance(last.details.finish_reason, str)
           and last.details.generated_tokens == len(events), f"the last event's details, got {last!r}")
    expect(all(e.generated_text is None for e in events[:-1]), "generated_text before the last event")
    expect(last.generated_text == joined, f"the last generated_text is the new text {joined!r}, got {last.generated_text!r}")


def chat_completion(c):
    out = c.chat_completion(messages=[{"role": "user", "content": "Say hello"}], max_tokens=8)
    msg = out.choices[0].message
    expect(msg.role == "assistant" and isinstance(msg.content, str), f"an assistant message, got {out!r}")
    expect(isinstance(out.choices[0].finish_reason, str), f"a finish_reason, got {out!r}")


def chat_completion_stream(c):
    chunks = list(c.chat_completion(messages=[{"role": "user", "content": "Say hello"}], max_tokens=8, stream=True))
    expect(chunks, "no chunks")
    text = "".join((ch.choices[0].delta.content or "") for ch in chunks if ch.choices)
    expect(isinstance(text, str), f"text chunks, got {chunks!r}")


def summarization(c):
    # short: a small model's context may be a few dozen tokens
    out = c.summarization("The tower is 324 metres tall, the tallest structure in Paris.")
    expect(isinstance(out.summary_text, str), f"summary_text, got {out!r}")


def translation(c):
    out = c.translation("My name is Wolfgang and I live in Berlin")
    expect(isinstance(out.translation_text, str), f"translation_text, got {out!r}")


def text2text(c):
    out = c.text_generation("translate English to German: The house is wonderful.", max_new_tokens=8)
    expect(isinstance(out, str), f"generated text, got {out!r}")


CALLS = {
    "text-classification": [("text_classification", text_classification)],
    "token-classification": [("token_classification", token_classification)],
    "fill-mask": [("fill_mask", fill_mask)],
    "question-answering": [("question_answering", question_answering)],
    "feature-extraction": [("feature_extraction", feature_extraction), ("sentence_similarity", sentence_similarity)],
    "sentence-similarity": [("sentence_similarity", sentence_similarity)],
    "zero-shot-classification": [("zero_shot_classification", zero_shot_classification)],
    "text-generation": [("text_generation", text_generation), ("text_generation(details)", text_generation_details),
                        ("text_generation(stream)", text_generation_stream),
                        ("text_generation(stream,details)", text_generation_stream_details),
                        ("chat_completion", chat_completion), ("chat_completion(stream)", chat_completion_stream)],
    "text2text-generation": [("text_generation(text2text)", text2text),
                             ("text_generation(text2text,stream,details)", text_generation_stream_details)],
    "summarization": [("summarization", summarization)],
    "translation": [("translation", translation)],
}

for task, calls in CALLS.items():
    for client_name, base in targets(task):
        client = InferenceClient(model=base, token=TOKEN, timeout=120)
        for call, check in calls:
            run(client_name, call, lambda: check(client))

sys.exit(exit_code())

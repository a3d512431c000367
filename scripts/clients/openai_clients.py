#!/usr/bin/env python3
"""The official openai SDK and langchain-openai against Modelport's OpenAI-compatible routes (/v1).

Environment (the client scripts' convention):
  MODELPORT_URL          main base URL, e.g. http://127.0.0.1:8000 (the clients get MODELPORT_URL + "/v1")
  MODELPORT_DEPLOYMENTS  JSON: task -> {"id": "<deployment id>", "port": <dedicated port or null>}; this script
                         uses "feature-extraction" (embeddings) and "text-generation" (a decoder with a chat template)
  MODELPORT_API_KEY      optional: the key the clients send; when set, a wrong key must raise AuthenticationError
Prints "PASS <client> <call>" or "FAIL <client> <call>: <why>" per call, "SKIP ..." for what is absent;
exits 1 when any call failed. A client that is not installed is a SKIP line (exit 0 when nothing else failed).
"""
import base64
import json
import struct
import sys

from clientkit import API_KEY as KEY, DEPLOYMENTS, URL, Skip, exit_code, expect, run




def deployment(task):
    d = DEPLOYMENTS.get(task)
    return d["id"] if d else None


def floats(vector):
    expect(isinstance(vector, list) and vector and all(isinstance(x, float) for x in vector),
           f"a list of floats, got {str(vector)[:80]}")
    return vector


def openai_sdk(embedder, generator):
    import openai

    name = "openai"
    client = openai.OpenAI(base_url=URL + "/v1", api_key=KEY or "unused", max_retries=0)

    def models_list():
        models = client.models.list()
        ids = [m.id for m in models.data]
        for task, d in DEPLOYMENTS.items():
            expect(d["id"] in ids, f"{d['id']} listed, got {ids}")
            model = next(m for m in models.data if m.id == d["id"])
            expect(model.object == "model" and model.owned_by, f"object and owned_by, got {model}")
            task_field = (model.model_extra or {}).get("task")
            expect(task_field, f"the deployment's task, got {model}")
        expect(ids, "at least one model")

    run(name, "models.list", models_list)

    if embedder:
        def embeddings_float():
            r = client.embeddings.create(model=embedder, input=["hello world", "the cat sat"])
            expect(len(r.data) == 2 and [d.index for d in r.data] == [0, 1], f"two indexed items, got {r.data}")
            floats(r.data[0].embedding)
            expect(r.usage.prompt_tokens > 0 and r.usage.total_tokens == r.usage.prompt_tokens, f"usage, got {r.usage}")

        def embeddings_base64():
            # the SDK asks for base64 itself and decodes it; check the raw wire value as well
            plain = client.embeddings.create(model=embedder, input="hello world").data[0].embedding
            raw = client.embeddings.with_raw_response.create(model=embedder, input="hello world",
                                                             encoding_format="base64")
            b64 = json.loads(raw.http_response.text)["data"][0]["embedding"]
            decoded = list(struct.unpack(f"<{len(base64.b64decode(b64)) // 4}f", base64.b64decode(b64)))
            expect(len(decoded) == len(plain) and max(abs(a - b) for a, b in zip(decoded, plain)) < 1e-5,
                   "base64 decodes to the float vector")

        def embeddings_dimensions():
            r = client.embeddings.create(model=embedder, input="hello world", dimensions=8)
            expect(len(floats(r.data[0].embedding)) == 8, f"8 dimensions, got {len(r.data[0].embedding)}")

        def embeddings_token_ids():
            # what LangChain's OpenAIEmbeddings sends: token ids, flat and as a list of lists
            ids = [2, 5, 7, 3]  # ids every vocabulary has (this route takes the model's own ids)
            one = client.embeddings.create(model=embedder, input=ids)
            many = client.embeddings.create(model=embedder, input=[ids, ids[:3]])
            expect(len(one.data) == 1 and len(many.data) == 2, f"1 and 2 items, got {len(one.data)}, {len(many.data)}")
            expect(one.usage.prompt_tokens == 4, f"4 tokens, got {one.usage}")
            try:
                client.embeddings.create(model=embedder, input=[[10 ** 9]])
                raise AssertionError("an id outside the vocabulary was accepted")
            except openai.BadRequestError as e:
                expect(e.status_code == 400 and "vocabulary" in str(e), f"a 400 naming the vocabulary, got {e}")

        run(name, "embeddings float", embeddings_float)
        run(name, "embeddings base64", embeddings_base64)
        run(name, "embeddings dimensions", embeddings_dimensions)
        run(name, "embeddings token ids", embeddings_token_ids)
    else:
        print("SKIP openai embeddings: no feature-extraction deployment", flush=True)

    if generator:
        def completions():
            r = client.completions.create(model=generator, prompt="Hello", max_tokens=5, temperature=0)
            expect(isinstance(r.choices[0].text, str) and r.choices[0].finish_reason in ("stop", "length"),
                   f"a choice, got {r.choices}")
            expect(r.usage.completion_tokens <= 5, f"usage, got {r.usage}")

        def completions_stream_usage():
            chunks = list(client.completions.create(model=generator, prompt="Hello", max_tokens=4, stream=True,
                                                    stream_options={"include_usage": True}))
            expect(chunks[-1].usage is not None and chunks[-1].choices == [], f"a last usage chunk, got {chunks[-1]}")
            expect(all(c.usage is None for c in chunks[:-1]), "usage only on the last chunk")
            expect(chunks[-1].usage.completion_tokens == len(chunks) - 1, f"one chunk per token, got {chunks[-1].usage}")

        def completions_logprobs():
            r = client.completions.create(model=generator, prompt="Hello", max_tokens=3, temperature=0, logprobs=2)
            lp = r.choices[0].logprobs
            expect(len(lp.tokens) == len(lp.token_logprobs) == len(lp.top_logprobs) == len(lp.text_offset) == 3,
                   f"3 tokens with logprobs, got {lp}")
            expect(all(v <= 0 for v in lp.token_logprobs), f"log-probabilities, got {lp.token_logprobs}")

        def completions_token_ids():
            r = client.completions.create(model=generator, prompt=[[1, 2, 3], [4, 5]], max_tokens=2, temperature=0)
            expect([c.index for c in r.choices] == [0, 1], f"one choice per prompt, got {r.choices}")
            expect(r.usage.prompt_tokens == 5, f"5 prompt tokens, got {r.usage}")

        def chat():
            r = client.chat.completions.create(model=generator, max_tokens=5,
                                               messages=[{"role": "user", "content": "Say hello"}])
            m = r.choices[0].message
            expect(m.role == "assistant" and isinstance(m.content, str), f"an assistant message, got {m}")

        def chat_stream_usage():
            chunks = list(client.chat.completions.create(model=generator, max_tokens=4, stream=True,
                                                         stream_options={"include_usage": True},
                                                         messages=[{"role": "user", "content": "Say hello"}]))
            expect(chunks[0].choices[0].delta.role == "assistant", f"the role first, got {chunks[0]}")
            expect(chunks[-1].usage is not None and chunks[-1].choices == [], f"a last usage chunk, got {chunks[-1]}")

        def chat_logprobs():
            r = client.chat.completions.create(model=generator, max_tokens=3, temperature=0, logprobs=True,
                                               top_logprobs=2, messages=[{"role": "user", "content": "Say hello"}])
            content = r.choices[0].logprobs.content
            expect(len(content) == r.usage.completion_tokens, f"one entry per token, got {content}")
            expect(all(len(t.top_logprobs) == 2 and t.logprob <= 0 and isinstance(t.bytes, list) for t in content),
                   f"token, logprob, bytes, 2 top_logprobs, got {content}")
            streamed = [c for c in client.chat.completions.create(
                model=generator, max_tokens=3, temperature=0, logprobs=True, top_logprobs=2, stream=True,
                messages=[{"role": "user", "content": "Say hello"}]) if c.choices and c.choices[0].logprobs]
            expect([c.choices[0].logprobs.content[0].token for c in streamed] == [t.token for t in content],
                   "the stream's logprobs match")

        def chat_n2():
            r = client.chat.completions.create(model=generator, max_tokens=4, n=2, seed=5,
                                               messages=[{"role": "user", "content": "Say hello"}])
            expect(sorted(c.index for c in r.choices) == [0, 1], f"two choices, got {r.choices}")

        def chat_content_parts():
            r = client.chat.completions.create(model=generator, max_tokens=3, messages=[
                {"role": "user", "content": [{"type": "text", "text": "Say"}, {"type": "text", "text": "hello"}]}])
            expect(isinstance(r.choices[0].message.content, str), f"an answer, got {r}")
            try:
                client.chat.completions.create(model=generator, max_tokens=3, messages=[{"role": "user", "content": [
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}])
                raise AssertionError("an image part was accepted")
            except openai.BadRequestError as e:
                expect("image_url" in str(e), f"a 400 naming the part type, got {e}")

        def response_format_json():
            try:
                client.chat.completions.create(model=generator, max_tokens=3, response_format={"type": "json_object"},
                                               messages=[{"role": "user", "content": "Say hello"}])
                raise AssertionError("json_object was accepted")
            except openai.BadRequestError as e:
                expect("not implemented" in str(e), f"a clear 400, got {e}")

        run(name, "completions", completions)
        run(name, "completions stream include_usage", completions_stream_usage)
        run(name, "completions logprobs", completions_logprobs)
        run(name, "completions token ids", completions_token_ids)
        run(name, "chat", chat)
        run(name, "chat stream include_usage", chat_stream_usage)
        run(name, "chat logprobs", chat_logprobs)
        run(name, "chat n=2", chat_n2)
        run(name, "chat content parts", chat_content_parts)
        run(name, "chat response_format json_object refused", response_format_json)
    else:
        print("SKIP openai completions/chat: no text-generation deployment", flush=True)

    def not_found():
        try:
            client.embeddings.create(model="no-such-deployment", input="x")
            raise AssertionError("an unknown model was accepted")
        except openai.NotFoundError as e:
            expect(e.status_code == 404, f"404, got {e.status_code}")

    run(name, "NotFoundError", not_found)

    def authentication():
        if not KEY:
            raise Skip("API keys are off (no MODELPORT_API_KEY)")
        wrong = openai.OpenAI(base_url=URL + "/v1", api_key="wrong-" + KEY, max_retries=0)
        try:
            wrong.models.list()
            raise AssertionError("a wrong key was accepted")
        except openai.AuthenticationError as e:
            expect(e.status_code == 401, f"401, got {e.status_code}")

    run(name, "AuthenticationError", authentication)


def langchain(embedder, generator):
    try:
        from langchain_openai import ChatOpenAI, OpenAIEmbeddings
    except ImportError as e:
        print(f"SKIP langchain-openai: not installed ({e})", flush=True)
        return
    name = "langchain-openai"
    common = {"base_url": URL + "/v1", "api_key": KEY or "unused", "max_retries": 0}
    if embedder:
        def embeddings_default():
            # default settings: check_embedding_ctx_length=True, so texts go out as tiktoken (cl100k_base) token
            # ids. Those are OpenAI's tokenizer's ids: the service embeds them as this model's ids, or refuses
            # ids past this model's vocabulary with a 400 (use check_embedding_ctx_length=False for real use).
            import openai
            try:
                import tiktoken
                tiktoken.get_encoding("cl100k_base")
            except Exception as e:  # noqa: BLE001 - tiktoken downloads its encoding on first use
                raise Skip(f"tiktoken cannot load cl100k_base ({type(e).__name__}), so LangChain sends nothing")
            emb = OpenAIEmbeddings(model=embedder, **common)
            try:
                vectors = emb.embed_documents(["hello", "world"])
            except openai.BadRequestError as e:
                expect("vocabulary" in str(e), f"a 400 naming the vocabulary, got {e}")
                raise Skip("the token arrays arrived; their cl100k ids are outside this model's vocabulary")
            expect(len(vectors) == 2 and floats(vectors[0]), "two vectors")

        def embeddings_strings():
            emb = OpenAIEmbeddings(model=embedder, check_embedding_ctx_length=False, **common)
            floats(emb.embed_query("hello world"))

        run(name, "OpenAIEmbeddings (defaults: token arrays)", embeddings_default)
        run(name, "OpenAIEmbeddings (check_embedding_ctx_length=False)", embeddings_strings)
    if generator:
        chat = ChatOpenAI(model=generator, max_tokens=5, **common)

        def invoke():
            expect(isinstance(chat.invoke("Say hello").content, str), "an answer")

        def stream():
            parts = list(chat.stream("Say hello"))
            expect(parts, "chunks")

        run(name, "ChatOpenAI invoke", invoke)
        run(name, "ChatOpenAI stream", stream)


def main():
    try:
        import openai  # noqa: F401
    except ImportError:
        print("SKIP openai: not installed", flush=True)
        return 0
    embedder = deployment("feature-extraction")
    generator = deployment("text-generation")
    openai_sdk(embedder, generator)
    langchain(embedder, generator)
    return exit_code()


if __name__ == "__main__":
    sys.exit(main())

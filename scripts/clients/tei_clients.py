#!/usr/bin/env python3
"""TEI clients against Modelport's TEI-compatible routes (docs/TEI.md).

A TEI client's base URL is MODELPORT_URL/models/<deployment id> (and, where the dedicated port serves
them, http://host:<port>). Checked here, one line per client x call (PASS/FAIL/SKIP):
  - requests: TEI's REST calls as curl users and LlamaIndex's TextEmbeddingsInference make them
    (/embed, /embed_all, /similarity, /tokenize, /decode, /info, /health, /v1/embeddings, /rerank,
    /predict) and TEI's error codes (413 too long, 422 bad body, 424 wrong model type);
  - huggingface_hub.InferenceClient(model=<TEI base URL>/embed).feature_extraction (TEI's /embed, and a
    413's TEI message shown in the client's error);
  - huggingface_hub.InferenceClient(model=<TEI base URL>).feature_extraction and
    langchain_huggingface.HuggingFaceEndpointEmbeddings(model=<TEI base URL>): both POST the base URL
    itself (TEI's POST /), which Modelport serves as the raw Hugging Face route POST /models/<id>.

Environment: MODELPORT_URL, MODELPORT_DEPLOYMENTS (task -> {"id", "port"}), optional MODELPORT_API_KEY.
Exits 1 when any call FAILs; an import that fails gives "SKIP <client>: not installed".
"""
import json
import math
import os
import sys
from urllib.parse import urlparse

from clientkit import exit_code, expect, run as check


def norm(v):
    return math.sqrt(sum(x * x for x in v))


def main():
    try:
        import requests
    except ImportError:
        print("SKIP requests: not installed")
        return 0
    url = os.environ.get("MODELPORT_URL", "http://127.0.0.1:8000").rstrip("/")
    deployments = json.loads(os.environ.get("MODELPORT_DEPLOYMENTS", "{}"))
    key = os.environ.get("MODELPORT_API_KEY")
    session = requests.Session()
    if key:
        session.headers["Authorization"] = f"Bearer {key}"

    def bases(task):
        """(label, TEI base URL) for the main port and, if it serves TEI routes, the dedicated port."""
        d = deployments[task]
        out = [("main", f"{url}/models/{d['id']}")]
        if d.get("port"):
            dedicated = f"{urlparse(url).scheme}://{urlparse(url).hostname}:{d['port']}"
            if session.get(f"{dedicated}/info", timeout=30).status_code == 200:
                out.append(("dedicated", dedicated))
            else:
                print(f"SKIP requests {task} (dedicated port {d['port']}): GET /info is not served there")
        return out

    def post(base, route, body):
        return session.post(f"{base}/{route}", json=body, timeout=120)

    def ok(response):
        expect(response.status_code == 200, f"HTTP {response.status_code}: {response.text[:300]}")
        return response.json()

    def tei_error(response, status):
        expect(response.status_code == status, f"want HTTP {status}, got {response.status_code}: {response.text[:300]}")
        body = response.json()
        expect(isinstance(body.get("error"), str) and body.get("error_type"), f"not TEI's error shape: {body}")

    if "feature-extraction" in deployments:
        for where, base in bases("feature-extraction"):
            c = f"requests({where})"

            def info():
                i = ok(session.get(f"{base}/info", timeout=30))
                expect("embedding" in i["model_type"], i)
                expect(i["max_input_length"] > 0 and i["max_client_batch_size"] > 0, i)
                return i

            check(c, "GET /info", info)
            check(c, "GET /health", lambda: expect(session.get(f"{base}/health", timeout=30).status_code == 200, "not 200"))

            def embed():
                one = ok(post(base, "embed", {"inputs": "What is Deep Learning?"}))
                expect(len(one) == 1 and all(isinstance(x, float) for x in one[0]), one)
                expect(abs(norm(one[0]) - 1) < 1e-3, "normalize defaults to true")
                two = ok(post(base, "embed", {"inputs": ["What is Deep Learning?", "hello"], "normalize": False,
                                              "truncate": True, "truncation_direction": "Right"}))
                expect(len(two) == 2 and len(two[0]) == len(one[0]), "two vectors")
                short = ok(post(base, "embed", {"inputs": "hello", "dimensions": 8}))
                expect(len(short[0]) == 8, "dimensions")

            check(c, "POST /embed", embed)

            def too_long():
                limit = ok(session.get(f"{base}/info", timeout=30))["max_input_length"]
                text = "hello " * (limit + 10)
                tei_error(post(base, "embed", {"inputs": text}), 413)
                expect(len(ok(post(base, "embed", {"inputs": text, "truncate": True}))) == 1, "truncated")

            check(c, "POST /embed over-long (413, truncate)", too_long)

            def embed_all():
                tokens = ok(post(base, "tokenize", {"inputs": "hello world"}))[0]
                vectors = ok(post(base, "embed_all", {"inputs": ["hello world"]}))
                expect(len(vectors) == 1 and len(vectors[0]) == len(tokens), "one vector per token")

            check(c, "POST /embed_all", embed_all)

            def similarity():
                s = ok(post(base, "similarity", {"inputs": {"source_sentence": "hello world",
                                                            "sentences": ["hello world", "the movie"]}}))
                expect(len(s) == 2 and abs(s[0] - 1) < 1e-3, s)

            check(c, "POST /similarity", similarity)

            def tokenize_decode():
                tokens = ok(post(base, "tokenize", {"inputs": "über hello", "add_special_tokens": True}))[0]
                expect(tokens[0]["special"] and tokens[0]["start"] is None, tokens[0])
                words = [t for t in tokens if not t["special"]]
                expect(words[-1]["text"] == "hello" and words[-1]["start"] == 6 and words[-1]["stop"] == 11,
                       f"byte offsets: {words[-1]}")
                text = ok(post(base, "decode", {"ids": [t["id"] for t in tokens], "skip_special_tokens": True}))
                expect(isinstance(text, list) and "hello" in text[0], text)

            check(c, "POST /tokenize + /decode", tokenize_decode)

            def openai_compat():
                r = ok(post(base, "v1/embeddings", {"input": ["hello", "world"]}))
                expect(r["object"] == "list" and len(r["data"]) == 2, r)

            check(c, "POST /v1/embeddings", openai_compat)
            check(c, "POST /embed bad body (422)", lambda: tei_error(post(base, "embed", {"inputs": 5}), 422))

            if "text-classification" in deployments:
                check(c, "POST /embed on a classifier (424)",
                      lambda: tei_error(post(f"{url}/models/{deployments['text-classification']['id']}", "embed",
                                             {"inputs": "x"}), 424))

    if "rerank" in deployments:
        for where, base in bases("rerank"):
            c = f"requests({where})"

            def rerank():
                texts = ["Deep learning is a branch of machine learning", "hello world", "the movie"]
                ranks = ok(post(base, "rerank", {"query": "What is Deep Learning?", "texts": texts,
                                                 "return_text": True, "raw_scores": False, "truncate": False}))
                expect(sorted(r["index"] for r in ranks) == [0, 1, 2], ranks)
                scores = [r["score"] for r in ranks]
                expect(scores == sorted(scores, reverse=True), "best first")
                expect(all(r["text"] == texts[r["index"]] for r in ranks), "return_text")
                expect("reranker" in ok(session.get(f"{base}/info", timeout=30))["model_type"], "model_type")

            check(c, "POST /rerank", rerank)

    if "text-classification" in deployments:
        for where, base in bases("text-classification"):
            c = f"requests({where})"

            def predict():
                labels = ok(post(base, "predict", {"inputs": "I like you. I love you"}))
                expect(isinstance(labels, list) and {"label", "score"} <= set(labels[0]), labels)
                batch = ok(post(base, "predict", {"inputs": [["I like you"], ["a", "b"]], "raw_scores": True}))
                expect(len(batch) == 2 and isinstance(batch[0], list), batch)

            def wrapped_predict():
                # a dedicated port's /predict is Modelport's own wrapped route, not TEI's (README, docs/TEI.md)
                answer = ok(post(base, "predict", {"inputs": "I like you. I love you"}))
                expect(answer.get("status") == "success" and {"label", "score"} <= set(answer["result"][0]), answer)

            if where == "dedicated":
                check(c, "POST /predict (Modelport's wrapped route on a dedicated port)", wrapped_predict)
            else:
                check(c, "POST /predict", predict)
            if "rerank" not in deployments or deployments["rerank"]["id"] != deployments["text-classification"]["id"]:
                check(c, "POST /rerank on a classifier (424)",
                      lambda: tei_error(post(base, "rerank", {"query": "q", "texts": ["a"]}), 424))

    if "feature-extraction" not in deployments:
        print("SKIP huggingface_hub, langchain_huggingface: no feature-extraction deployment")
        return exit_code()
    base = f"{url}/models/{deployments['feature-extraction']['id']}"
    try:
        from huggingface_hub import InferenceClient
    except ImportError:
        print("SKIP huggingface_hub: not installed")
    else:
        # InferenceClient posts {"inputs", ...} to the URL it is given: pointed at /embed, TEI's own route
        def hub_embed():
            v = InferenceClient(model=f"{base}/embed", token=key).feature_extraction("What is Deep Learning?", normalize=True, truncate=False)
            expect(v.shape[0] == 1 and v.shape[1] > 0 and abs(float((v[0] ** 2).sum()) ** 0.5 - 1) < 1e-3,
                   f"shape {v.shape}")

        check("huggingface_hub", "feature_extraction(model=<base>/embed)", hub_embed)

        def hub_error():
            limit = ok(session.get(f"{base}/info", timeout=30))["max_input_length"]
            try:
                InferenceClient(model=f"{base}/embed", token=key).feature_extraction("hello " * (limit + 10))
            except Exception as e:  # noqa: BLE001 - the client's own HTTP error type
                status = getattr(getattr(e, "response", None), "status_code", None)
                expect(status == 413, f"status {status}: {e}")
                expect("must have less than" in str(e), f"TEI's message not shown: {e}")
                return
            raise AssertionError("an over-long input was accepted")

        check("huggingface_hub", "feature_extraction over-long (413, message shown)", hub_error)
    # both clients POST the base URL itself (TEI's POST /): Modelport's raw Hugging Face route
    probe = session.post(base, json={"inputs": "hello"}, timeout=60)
    if probe.status_code in (404, 405):
        print(f"SKIP huggingface_hub, langchain_huggingface: POST {base} answers {probe.status_code}"
              " (the raw Hugging Face route POST /models/<id> is not served)")
        return exit_code()
    try:
        from huggingface_hub import InferenceClient
    except ImportError:
        pass
    else:
        def feature_extraction():
            v = InferenceClient(model=base, token=key).feature_extraction("What is Deep Learning?")
            expect(v.ndim in (1, 2) and v.size > 0, f"shape {v.shape}")

        check("huggingface_hub", "feature_extraction", feature_extraction)
    try:
        from langchain_huggingface import HuggingFaceEndpointEmbeddings
    except ImportError:
        print("SKIP langchain_huggingface: not installed")
    else:
        def langchain():
            kwargs = {"huggingfacehub_api_token": key} if key else {}
            embeddings = HuggingFaceEndpointEmbeddings(model=base, **kwargs)
            docs = embeddings.embed_documents(["hello world", "the movie"])
            expect(len(docs) == 2 and len(docs[0]) > 0 and isinstance(docs[0][0], float), "two vectors")
            query = embeddings.embed_query("hello world")
            expect(len(query) == len(docs[0]), "query vector")

        check("langchain_huggingface", "HuggingFaceEndpointEmbeddings.embed_documents/embed_query", langchain)
    return exit_code()


if __name__ == "__main__":
    sys.exit(main())

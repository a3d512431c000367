package dev.modelport.api;

/** Copy-paste snippets for calling a deployment, with an input that fits its task. */
public record UsageExamples(String curl, String python, String javascript) {

    static UsageExamples forTask(String url, String task, boolean apiKey) {
        String body = sampleBody(task);
        String auth = apiKey ? " -H 'Authorization: Bearer $MODELPORT_API_KEY'" : "";
        String pyAuth = apiKey ? ", headers={\"Authorization\": f\"Bearer {os.environ['MODELPORT_API_KEY']}\"}" : "";
        String jsAuth = apiKey ? ", Authorization: `Bearer ${process.env.MODELPORT_API_KEY}`" : "";
        String curl = "curl -s -X POST " + url + " -H 'Content-Type: application/json'" + auth + " -d '" + body + "'";
        String python = "import " + (apiKey ? "os, " : "") + "requests\n\n"
                + "r = requests.post(\"" + url + "\", json=" + body.replace("true", "True").replace("null", "None") + pyAuth + ")\n"
                + "print(r.json()[\"result\"])";
        String js = "const r = await fetch(\"" + url + "\", {\n  method: \"POST\",\n"
                + "  headers: {\"Content-Type\": \"application/json\"" + jsAuth + "},\n"
                + "  body: JSON.stringify(" + body + "),\n});\nconsole.log((await r.json()).result);";
        return new UsageExamples(curl, python, js);
    }

    static String sampleBody(String task) {
        if (task == null) {
            return "{\"inputs\": \"Hello world\"}";
        }
        return switch (task) {
            case "fill-mask" -> "{\"inputs\": \"Paris is the [MASK] of France.\"}";
            case "question-answering" -> "{\"inputs\": {\"question\": \"Where do I live?\", \"context\": \"My name is Sarah and I live in London.\"}}";
            case "sentence-similarity" -> "{\"inputs\": {\"source_sentence\": \"That is a happy person\", \"sentences\": [\"That is a happy dog\", \"Today is a sunny day\"]}}";
            case "token-classification" -> "{\"inputs\": \"My name is Sarah and I live in London\", \"parameters\": {\"aggregation_strategy\": \"simple\"}}";
            case "text-generation" -> "{\"inputs\": \"Once upon a time\", \"parameters\": {\"max_new_tokens\": 32}}";
            case "summarization" -> "{\"inputs\": \"The tower is 324 metres tall, about the same height as an 81-storey"
                    + " building, and the tallest structure in Paris.\", \"parameters\": {\"max_new_tokens\": 60}}";
            case "translation" -> "{\"inputs\": \"The house is wonderful.\"}";
            case "text2text-generation" -> "{\"inputs\": \"Answer the question: what is the capital of France?\", "
                    + "\"parameters\": {\"max_new_tokens\": 32}}";
            case "feature-extraction" -> "{\"inputs\": [\"The first sentence\", \"The second one\"]}";
            case "zero-shot-classification" -> "{\"inputs\": \"I have a problem with my iphone that needs to be resolved asap!\", "
                    + "\"parameters\": {\"candidate_labels\": [\"urgent\", \"not urgent\", \"phone\", \"tablet\"]}}";
            default -> "{\"inputs\": \"I love this product!\"}";
        };
    }
}

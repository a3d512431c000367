package dev.modelport.security;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** Out of the box (API_KEY_ENABLED=false, no CORS_ORIGINS): no key asked, no CORS headers given. */
@QuarkusTest
class OpenByDefaultTest {

    @Test
    void noKeyIsAskedAndNoOriginIsAllowed() {
        given().get("/api/v1/system").then().statusCode(200).body("api_key_required", equalTo(false));
        given().get("/q/metrics").then().statusCode(200);
        given().header("Origin", "https://ui.example.test").header("Access-Control-Request-Method", "POST")
                .options("/api/v1/deploy").then().header("Access-Control-Allow-Origin", nullValue());
        // with the CORS filter on and no origins, Quarkus would refuse this with 403
        given().header("Origin", "https://ui.example.test").get("/api/v1/system").then().statusCode(200);
    }
}

//! The published contract: the OpenAPI document and the docs page, both from the binary.

use serde_json::Value;

use crate::helpers::{spawn_app, Backend};

#[tokio::test]
async fn the_openapi_document_and_its_page_are_served_from_the_binary() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let r = app
        .client
        .get(format!("{}/api-docs/openapi.json", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let doc: Value = r.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let intake = &doc["paths"]["/api/v1/cases"]["post"];
    assert_eq!(
        intake["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/IntakeInput"
    );
    for status in ["201", "400", "403", "422", "429", "503"] {
        assert!(intake["responses"][status].is_object(), "intake documents {status}");
    }
    assert_eq!(
        intake["responses"]["422"]["content"]["application/problem+json"]["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert!(doc["paths"]["/api/v1/cases/{id}"]["get"]["responses"]["401"].is_object());

    // The page: a redirect to the folder, then Swagger UI, every file from this host.
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirect.get(format!("{}/api-docs", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 308);
    assert_eq!(r.headers()["location"], "/api-docs/");
    let r = app.client.get(format!("{}/api-docs/", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = r.text().await.unwrap();
    let mut files = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            let target = part.split('"').next().unwrap();
            assert!(!target.contains("//"), "the page loads {target} from another host");
            files.push(target.trim_start_matches("./").to_string());
        }
    }
    assert!(files.iter().any(|f| f.ends_with(".js")), "{files:?}");
    for f in &files {
        let r = app
            .client
            .get(format!("{}/api-docs/{f}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{f}");
    }
    let init = app
        .client
        .get(format!("{}/api-docs/swagger-initializer.js", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(init.contains("/api-docs/openapi.json"), "{init}");
    // Without this the page would fetch a validator badge from another host.
    assert!(
        init.contains("\"validatorUrl\": \"none\"") || init.contains("\"validatorUrl\":\"none\""),
        "{init}"
    );
    let r = app
        .client
        .get(format!("{}/api-docs/nothing.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

//! Open311 GeoReport v2: every endpoint in both formats, the XML read by a
//! real parser and its element names held to the standard, every error, and
//! a request with attributes followed from filing to closed.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, TestApp, ADMIN_TOKEN};
use crate::{both_backends, on_both_backends};

const BASE: &str = "/open311/v2";

/// A form's arguments.
type Form<'a> = Vec<(&'a str, &'a str)>;

/// The standard's elements of a service request.
const REQUEST_FIELDS: [&str; 17] = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
];

/// GETs an Open311 path: status, content type, body.
async fn get(app: &TestApp, path: &str) -> (u16, String, String) {
    let r = app.request(Method::GET, &format!("{BASE}{path}")).send().await.unwrap();
    let status = r.status().as_u16();
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    (status, ct, r.text().await.unwrap())
}

/// POSTs a form to `requests.{format}`.
async fn file(app: &TestApp, format: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let r = app
        .request(Method::POST, &format!("{BASE}/requests.{format}"))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    (status, ct, r.text().await.unwrap())
}

/// An XML document: declared first, no namespace, the root named `root`.
fn xml<'a>(ct: &str, body: &'a str, root: &str) -> roxmltree::Document<'a> {
    assert_eq!(ct, "text/xml; charset=utf-8");
    assert!(body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"), "{body}");
    let doc = roxmltree::Document::parse(body).unwrap_or_else(|e| panic!("not XML ({e}): {body}"));
    assert_eq!(doc.root_element().tag_name().name(), root, "{body}");
    assert_eq!(doc.root_element().tag_name().namespace(), None);
    doc
}

/// The element children's names of a node.
fn names<'a>(node: roxmltree::Node<'a, 'a>) -> Vec<&'a str> {
    node.children()
        .filter(|n| n.is_element())
        .map(|n| n.tag_name().name())
        .collect()
}

/// The text of a child element ("" when empty).
fn text<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> &'a str {
    node.children()
        .find(|n| n.has_tag_name(name))
        .unwrap_or_else(|| panic!("no <{name}>"))
        .text()
        .unwrap_or("")
}

fn json_of(ct: &str, body: &str) -> Value {
    assert_eq!(ct, "application/json; charset=utf-8");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// The one error of an error list, in either format: (code, description).
fn error_of(format: &str, ct: &str, body: &str) -> (u64, String) {
    if format == "json" {
        let v = json_of(ct, body);
        let list = v.as_array().unwrap_or_else(|| panic!("not a list: {v}"));
        assert_eq!(list.len(), 1, "{v}");
        assert_eq!(list[0].as_object().unwrap().len(), 2, "{v}");
        (
            list[0]["code"].as_u64().unwrap(),
            list[0]["description"].as_str().unwrap().into(),
        )
    } else {
        let doc = xml(ct, body, "errors");
        let error = doc.root_element().first_element_child().unwrap();
        assert_eq!(error.tag_name().name(), "error");
        assert_eq!(names(error), ["code", "description"]);
        (text(error, "code").parse().unwrap(), text(error, "description").into())
    }
}

both_backends! {
    async fn discovery_and_services_in_both_formats(app) {
        let (status, ct, body) = get(app, "/discovery.json").await;
        assert_eq!(status, 200);
        let d = json_of(&ct, &body);
        for key in ["changeset", "contact", "key_service", "endpoints"] {
            assert!(d.get(key).is_some(), "{key}: {d}");
        }
        let endpoint = &d["endpoints"][0];
        assert_eq!(endpoint["specification"], "http://wiki.open311.org/GeoReport_v2");
        assert_eq!(endpoint["type"], "production");
        assert!(endpoint["url"].as_str().unwrap().ends_with("/open311/v2"));
        assert_eq!(endpoint["formats"], json!(["text/xml", "application/json"]));
        let (status, ct, body) = get(app, "/discovery.xml").await;
        assert_eq!(status, 200);
        let doc = xml(&ct, &body, "discovery");
        assert_eq!(names(doc.root_element()), ["changeset", "contact", "key_service", "endpoints"]);
        let endpoint = doc.descendants().find(|n| n.has_tag_name("endpoint")).unwrap();
        assert_eq!(names(endpoint), ["specification", "url", "changeset", "type", "formats"]);
        assert_eq!(text(endpoint, "specification"), "http://wiki.open311.org/GeoReport_v2");
        let formats: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("format")).map(|n| n.text().unwrap()).collect();
        assert_eq!(formats, ["text/xml", "application/json"]);

        let (status, ct, body) = get(app, "/services.json").await;
        assert_eq!(status, 200);
        let list = json_of(&ct, &body);
        let list = list.as_array().unwrap();
        assert!(list.len() >= 10, "the active categories: {}", list.len());
        let road = list.iter().find(|s| s["service_code"] == "road-damage").unwrap();
        assert_eq!(road["metadata"], true);
        assert_eq!(road["type"], "realtime");
        assert_eq!(road["group"], "grievance");
        assert!(road["keywords"].as_str().unwrap().contains("pothole"));
        assert!(list.iter().any(|s| s["metadata"] == false));
        let keys: Vec<&String> = road.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]);
        let (_, ct, body) = get(app, "/services.xml").await;
        let doc = xml(&ct, &body, "services");
        let services: Vec<_> = doc.root_element().children().filter(|n| n.is_element()).collect();
        assert_eq!(services.len(), list.len());
        for s in &services {
            assert_eq!(s.tag_name().name(), "service");
            assert_eq!(names(*s), ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]);
        }
        let road = services.iter().find(|s| text(**s, "service_code") == "road-damage").unwrap();
        assert_eq!(text(*road, "metadata"), "true");

        let (status, ct, body) = get(app, "/services/road-damage.json").await;
        assert_eq!(status, 200);
        let def = json_of(&ct, &body);
        assert_eq!(def["service_code"], "road-damage");
        let size = &def["attributes"][0];
        assert_eq!(size["code"], "size");
        assert_eq!(size["datatype"], "singlevaluelist");
        assert_eq!(size["variable"], true);
        assert_eq!(size["order"], 1);
        assert_eq!(size["values"][2]["key"], "large");
        let (_, ct, body) = get(app, "/services/road-damage.xml").await;
        let doc = xml(&ct, &body, "service_definition");
        assert_eq!(names(doc.root_element()), ["service_code", "attributes"]);
        let attribute = doc.descendants().find(|n| n.has_tag_name("attribute")).unwrap();
        assert_eq!(
            names(attribute),
            ["variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"]
        );
        let value = doc.descendants().find(|n| n.has_tag_name("value")).unwrap();
        assert_eq!(names(value), ["key", "name"]);

        for format in ["json", "xml"] {
            let (status, ct, body) = get(app, &format!("/services/no-such-service.{format}")).await;
            assert_eq!(status, 404);
            let (code, description) = error_of(format, &ct, &body);
            assert_eq!(code, 404);
            assert!(description.contains("no-such-service"), "{description}");
        }
        // An unknown format: the standard's default, XML.
        let (status, ct, body) = get(app, "/services.html").await;
        assert_eq!(status, 404);
        assert_eq!(error_of("xml", &ct, &body).0, 404);
    }

    async fn a_request_with_attributes_is_followed_to_closed(app) {
        // The form in both encodings of its content type.
        let (status, ct, body) = file(app, "json", &[
            ("api_key", ADMIN_TOKEN), ("service_code", "road-damage"), ("lat", "37.5665"), ("long", "126.9780"),
            ("description", "A deep pothole in the second lane"), ("email", "open311@example.org"),
            ("first_name", "Min"), ("last_name", "Kim"), ("attribute[size]", "large"), ("attribute[lane]", "2"),
            ("media_url", "https://example.org/pothole.jpg"), ("device_id", ""), ("phone", ""),
        ]).await;
        assert_eq!(status, 201, "{body}");
        let filed = json_of(&ct, &body);
        let filed = &filed.as_array().unwrap()[0];
        let id = filed["service_request_id"].as_str().unwrap().to_string();
        assert!(filed["service_notice"].as_str().unwrap().contains("+09:00"), "{filed}");
        let token = filed["token"].as_str().unwrap().to_string();

        // The operator sees the answers and the channel; the citizen got a receipt.
        let (_, queue) = app.admin_json(Method::GET, "/api/v1/cases?limit=5", None).await;
        let case = queue["items"].as_array().unwrap().iter().find(|c| c["receipt_no"] == id.as_str()).unwrap().clone();
        let case_id = case["id"].as_str().unwrap().to_string();
        let (_, case) = app.admin_json(Method::GET, &format!("/api/v1/cases/{case_id}"), None).await;
        assert_eq!(case["channel"], "open311");
        assert_eq!(case["attributes"], json!({"size": "large", "lane": "2"}));
        assert_eq!(case["media_url"], "https://example.org/pothole.jpg");
        assert_eq!(case["citizen"]["name"], "Min Kim");
        let (_, outbox) = app.admin_json(Method::GET, "/api/v1/outbox", None).await;
        assert!(outbox["items"].as_array().unwrap().iter().any(|m| m["to"] == "open311@example.org" && m["kind"] == "receipt"), "{outbox}");

        for format in ["json", "xml"] {
            let (status, ct, body) = get(app, &format!("/requests/{id}.{format}")).await;
            assert_eq!(status, 200, "{body}");
            if format == "json" {
                let list = json_of(&ct, &body);
                let r = &list.as_array().unwrap()[0];
                let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
                assert_eq!(keys, REQUEST_FIELDS);
                assert_eq!(r["status"], "open");
                assert_eq!(r["service_code"], "road-damage");
                assert_eq!(r["lat"], 37.5665);
                assert!(r["status_notes"].is_null());
                assert!(r["agency_responsible"].as_str().unwrap().contains("Roads"));
                for t in ["requested_datetime", "updated_datetime", "expected_datetime"] {
                    assert!(chrono::DateTime::parse_from_rfc3339(r[t].as_str().unwrap()).is_ok(), "{t}");
                    assert!(r[t].as_str().unwrap().ends_with("+09:00"), "{t} has an offset");
                }
            } else {
                let doc = xml(&ct, &body, "service_requests");
                let requests: Vec<_> = doc.root_element().children().filter(|n| n.is_element()).collect();
                assert_eq!(requests.len(), 1);
                assert_eq!(requests[0].tag_name().name(), "request");
                assert_eq!(names(requests[0]), REQUEST_FIELDS);
                assert_eq!(text(requests[0], "service_request_id"), id);
                assert_eq!(text(requests[0], "status_notes"), "");
            }
            let (status, ct, body) = get(app, &format!("/tokens/{token}.{format}")).await;
            assert_eq!(status, 200);
            if format == "json" {
                assert_eq!(json_of(&ct, &body), json!([{"service_request_id": id, "token": token}]));
            } else {
                let doc = xml(&ct, &body, "service_requests");
                let r = doc.root_element().first_element_child().unwrap();
                assert_eq!(names(r), ["service_request_id", "token"]);
            }
        }

        // A public reply shows as the status notes; the resolution replaces it; closed is closed.
        let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/cases/{case_id}/replies"), Some(&json!({"body": "A crew is on its way"}))).await;
        assert_eq!(s, 200);
        let (_, _, body) = get(app, &format!("/requests/{id}.json")).await;
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap()[0]["status_notes"], "A crew is on its way");
        let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/cases/{case_id}/resolve"), Some(&json!({"resolution": "Filled on 2 December"}))).await;
        assert_eq!(s, 200);
        let (_, _, body) = get(app, "/requests.json?status=closed").await;
        let closed: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(closed[0]["service_request_id"], id.as_str());
        assert_eq!(closed[0]["status"], "closed");
        assert_eq!(closed[0]["status_notes"], "Filled on 2 December");
        let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/cases/{case_id}/close"), None).await;
        assert_eq!(s, 200);
        let (_, ct, body) = get(app, &format!("/requests/{id}.xml")).await;
        let doc = xml(&ct, &body, "service_requests");
        assert_eq!(text(doc.root_element().first_element_child().unwrap(), "status"), "closed");
    }

    async fn listings_filter_and_keep_other_channels_private(app) {
        let mut ids = Vec::new();
        for (code, place) in [("road-damage", "Sejong-daero 1"), ("streetlight", "Jongno 2"), ("road-damage", "Eulji-ro 3")] {
            let (status, ct, body) = file(app, "xml", &[
                ("api_key", ADMIN_TOKEN), ("service_code", code), ("address_string", place), ("description", "Please fix"),
            ]).await;
            assert_eq!(status, 201, "{body}");
            let doc = xml(&ct, &body, "service_requests");
            let r = doc.root_element().first_element_child().unwrap();
            assert_eq!(r.tag_name().name(), "request");
            assert_eq!(names(r), ["service_request_id", "service_notice", "account_id", "token"]);
            ids.push(text(r, "service_request_id").to_string());
        }
        // A case filed through the REST API is a private 민원: not in the public feed.
        let rest = app.post_public("/api/v1/cases", &crate::helpers::grievance("Private matter")).await;
        let rest: Value = rest.json().await.unwrap();
        let rest_id = rest["receipt_no"].as_str().unwrap();
        // Nor can an operator make one pose as an Open311 request.
        let mut posing = crate::helpers::grievance("Private matter, posing");
        posing["channel"] = json!("open311");
        let (s, p) = app.admin_json(Method::POST, "/api/v1/cases", Some(&posing)).await;
        assert_eq!((s, crate::helpers::field_names(&p)), (422, vec!["channel".to_string()]), "{p}");

        let (_, ct, body) = get(app, "/requests.json").await;
        let all = json_of(&ct, &body);
        let listed: Vec<&str> = all.as_array().unwrap().iter().map(|r| r["service_request_id"].as_str().unwrap()).collect();
        assert_eq!(listed, [ids[2].as_str(), ids[1].as_str(), ids[0].as_str()], "newest first");
        let (status, _, _) = get(app, &format!("/requests/{rest_id}.json")).await;
        assert_eq!(status, 404);

        let (_, _, body) = get(app, "/requests.json?service_code=road-damage").await;
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap().as_array().unwrap().len(), 2);
        let (_, _, body) = get(app, "/requests.json?service_code=streetlight,road-damage&status=open,closed").await;
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap().as_array().unwrap().len(), 3);
        let (_, _, body) = get(app, "/requests.json?status=closed").await;
        assert_eq!(body, "[]");
        // service_request_id overrides every other argument.
        let (_, _, body) = get(app, &format!("/requests.json?service_request_id={},{}&status=closed&service_code=nothing", ids[0], ids[1])).await;
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap().as_array().unwrap().len(), 2);
        // Empty arguments count as absent; page and page_size are tolerated.
        let (status, _, body) = get(app, "/requests.json?service_code=&status=&start_date=&page=1&page_size=50").await;
        assert_eq!(status, 200);
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap().as_array().unwrap().len(), 3);
        // A range in the past, within 90 days, with offsets.
        let (status, _, body) = get(app, "/requests.json?start_date=2020-01-01T00:00:00%2B09:00&end_date=2020-03-01T00:00:00Z").await;
        assert_eq!(status, 200);
        assert_eq!(body, "[]");
        let (_, ct, body) = get(app, "/requests.xml?service_code=streetlight").await;
        let doc = xml(&ct, &body, "service_requests");
        let requests: Vec<_> = doc.root_element().children().filter(|n| n.is_element()).collect();
        assert_eq!(requests.len(), 1);
        assert_eq!(text(requests[0], "address"), "Jongno 2");
    }

    async fn every_error_in_the_standards_form(app) {
        for format in ["json", "xml"] {
            let cases: Vec<(Form, u16, &str)> = vec![
                (vec![("service_code", "road-damage"), ("lat", "1"), ("long", "2")], 403, "api_key"),
                (vec![("api_key", "cd_not_a_key_at_all_000000"), ("service_code", "road-damage"), ("lat", "1"), ("long", "2")], 403, "api_key"),
                (vec![("api_key", ADMIN_TOKEN), ("lat", "1"), ("long", "2")], 400, "service_code"),
                (vec![("api_key", ADMIN_TOKEN), ("service_code", "road-damage")], 400, "location"),
                (vec![("api_key", ADMIN_TOKEN), ("service_code", "road-damage"), ("lat", "1")], 400, "lat and long"),
                (vec![("api_key", ADMIN_TOKEN), ("service_code", "road-damage"), ("lat", "north"), ("long", "2")], 400, "lat"),
                (vec![("api_key", ADMIN_TOKEN), ("service_code", "road-damage"), ("lat", "91"), ("long", "2")], 400, "lat"),
                (vec![("api_key", ADMIN_TOKEN), ("service_code", "nothing"), ("lat", "1"), ("long", "2")], 404, "nothing"),
                (vec![("api_key", ADMIN_TOKEN), ("service_code", "road-damage"), ("address_id", "A-17"), ("attribute[size]", "huge")], 400, "attribute[size]"),
                (vec![("api_key", ADMIN_TOKEN), ("service_code", "road-damage"), ("address_id", "A-17"), ("attribute[size][]", "small"), ("attribute[size][]", "large")], 400, "attribute[size]"),
                (vec![("api_key", ADMIN_TOKEN), ("service_code", "road-damage"), ("address_id", "A-17"), ("attribute[colour]", "red")], 400, "attribute[colour]"),
                (vec![("api_key", ADMIN_TOKEN), ("service_code", "road-damage"), ("address_id", "A-17"), ("email", "not an address")], 400, "email"),
                // XML cannot hold U+FFFF: one such filing would have broken the whole feed.
                (vec![("api_key", ADMIN_TOKEN), ("service_code", "road-damage"), ("address_id", "A-17"), ("description", "a\u{FFFF}b")], 400, "noncharacters"),
            ];
            for (form, status, word) in cases {
                let (got, ct, body) = file(app, format, &form).await;
                assert_eq!(got, status, "{form:?}: {body}");
                let (code, description) = error_of(format, &ct, &body);
                assert_eq!(code, u64::from(status));
                assert!(description.contains(word), "{form:?}: {description}");
            }
            let long = "가".repeat(4001);
            let (got, ct, body) = file(app, format, &[("api_key", ADMIN_TOKEN), ("service_code", "road-damage"), ("lat", "1"), ("long", "2"), ("description", &long)]).await;
            assert_eq!(got, 400);
            assert!(error_of(format, &ct, &body).1.contains("4000"));
            // Not a form.
            let r = app.request(Method::POST, &format!("{BASE}/requests.{format}")).json(&json!({"api_key": ADMIN_TOKEN})).send().await.unwrap();
            assert_eq!(r.status(), 400);
            for (path, status) in [
                ("/requests.{f}?start_date=2026-01-01", 400),
                ("/requests.{f}?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", 400),
                ("/requests.{f}?status=pending", 400),
                ("/requests/1999-000001.{f}", 404),
                ("/tokens/no-such-token.{f}", 404),
                ("/tokens/01a2349c-87c3-70c6-8464-f058c42022b3.{f}", 404),
            ] {
                let (got, ct, body) = get(app, &path.replace("{f}", format)).await;
                assert_eq!(got, status, "{path}: {body}");
                assert_eq!(error_of(format, &ct, &body).0, u64::from(status));
            }
        }
        // Another method, or a path the door does not have: still the standard's list.
        let r = app.request(Method::PUT, &format!("{BASE}/requests.json")).send().await.unwrap();
        assert_eq!(r.status(), 405);
        assert_eq!(r.headers()["allow"], "GET, HEAD, POST");
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        assert_eq!(error_of("json", &ct, &r.text().await.unwrap()).0, 405);
        let (status, ct, body) = get(app, "/nothing.xml").await;
        assert_eq!(status, 404);
        assert_eq!(error_of("xml", &ct, &body).0, 404);

        // An address id alone is a location; it comes back as the address id.
        let (status, _, body) = file(app, "json", &[("api_key", ADMIN_TOKEN), ("service_code", "road-damage"), ("address_id", "A-17"), ("attribute[size]", "small")]).await;
        assert_eq!(status, 201, "{body}");
        let id = serde_json::from_str::<Value>(&body).unwrap()[0]["service_request_id"].as_str().unwrap().to_string();
        let (_, _, body) = get(app, &format!("/requests/{id}.json")).await;
        let r: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(r[0]["address_id"], "A-17");
        assert!(r[0]["address"].is_null());
    }
}

on_both_backends! {
    async fn jurisdiction_and_the_rate_limit(backend) {
        let Some(app) = spawn_app_with(backend, &[("CIVICDESK_JURISDICTION", "seoul.go.kr"), ("CIVICDESK_RATE_LIMIT", "3")]).await else { return };
        let (status, _, _) = get(&app, "/services.json?jurisdiction_id=seoul.go.kr").await;
        assert_eq!(status, 200);
        let (status, _, _) = get(&app, "/services.json").await;
        assert_eq!(status, 200, "optional");
        for format in ["json", "xml"] {
            let (status, ct, body) = get(&app, &format!("/services.{format}?jurisdiction_id=busan.go.kr")).await;
            assert_eq!(status, 404);
            assert!(error_of(format, &ct, &body).1.contains("busan.go.kr"));
        }
        // In the body or in the query string.
        let form = [("api_key", ADMIN_TOKEN), ("service_code", "road-damage"), ("lat", "1"), ("long", "2"), ("jurisdiction_id", "busan.go.kr")];
        let (status, _, _) = file(&app, "json", &form).await;
        assert_eq!(status, 404);
        let r = app
            .request(Method::POST, &format!("{BASE}/requests.json?jurisdiction_id=seoul.go.kr"))
            .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
            .body(format!("api_key={ADMIN_TOKEN}&service_code=road-damage&lat=1&long=2"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);

        // Filings with a good key are not counted; without one, three a minute.
        for _ in 0..4 {
            let (status, _, body) = file(&app, "json", &[("api_key", ADMIN_TOKEN), ("service_code", "streetlight"), ("lat", "1"), ("long", "2")]).await;
            assert_eq!(status, 201, "{body}");
        }
        let mut last = (0, String::new(), String::new());
        for _ in 0..4 {
            last = file(&app, "xml", &[("service_code", "streetlight"), ("lat", "1"), ("long", "2")]).await;
        }
        assert_eq!(last.0, 429, "{}", last.2);
        assert_eq!(error_of("xml", &last.1, &last.2).0, 429);
        let r = app.request(Method::POST, &format!("{BASE}/requests.json")).form(&[("api_key", "wrong")]).send().await.unwrap();
        assert_eq!(r.status(), 429);
        assert!(r.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
        app.stop().await;
    }
}

both_backends! {
    async fn admins_define_questions_that_every_door_asks(app) {
        let team = app.team_id("Roads").await;
        let category = json!({
            "code": "graffiti", "name": "낙서", "kind": "grievance", "default_team_id": team,
            "deadline": {"amount": 5, "unit": "days"},
            "attributes": [
                {"code": "note", "datatype": "text", "variable": false, "description": "Photos help", "order": 3},
                {"code": "surface", "datatype": "multivaluelist", "required": true, "description": "On what?", "order": 1,
                 "values": [{"key": "wall", "name": "Wall"}, {"key": "sign", "name": "Sign"}]},
                {"code": "offensive", "datatype": "singlevaluelist", "description": "Is it offensive?", "order": 2,
                 "values": [{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}]}
            ]
        });
        let (status, created) = app.admin_json(Method::POST, "/api/v1/categories", Some(&category)).await;
        assert_eq!(status, 201, "{created}");
        let codes: Vec<&str> = created["attributes"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["surface", "offensive", "note"], "in order");
        assert_eq!(created["attributes"][1]["required"], false);
        assert_eq!(created["attributes"][1]["variable"], true);

        let bad = json!({"attributes": [{"code": "a b", "datatype": "colour", "description": "?"},
                                        {"code": "pick", "datatype": "singlevaluelist", "description": "Pick"}]});
        let id = created["id"].as_str().unwrap();
        let (status, problem) = app.admin_json(Method::PATCH, &format!("/api/v1/categories/{id}"), Some(&bad)).await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(
            crate::helpers::field_names(&problem),
            ["attributes[0].code", "attributes[0].datatype", "attributes[1].values"]
        );

        let (_, ct, body) = get(app, "/services/graffiti.json").await;
        let def = json_of(&ct, &body);
        assert_eq!(def["attributes"][0]["code"], "surface");
        assert_eq!(def["attributes"][2]["variable"], false);
        let (_, _, body) = get(app, "/services.json").await;
        let list: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(list.as_array().unwrap().iter().find(|s| s["service_code"] == "graffiti").unwrap()["metadata"], true);

        // Open311: the required question, then a multi-value answer.
        let (status, ct, body) = file(app, "json", &[("api_key", ADMIN_TOKEN), ("service_code", "graffiti"), ("lat", "37.5"), ("long", "127")]).await;
        assert_eq!(status, 400);
        assert!(error_of("json", &ct, &body).1.contains("attribute[surface]: is required"), "{body}");
        let (status, _, body) = file(app, "json", &[
            ("api_key", ADMIN_TOKEN), ("service_code", "graffiti"), ("lat", "37.5"), ("long", "127"),
            ("attribute[surface][]", "wall"), ("attribute[surface][]", "sign"), ("attribute[offensive]", "no"),
        ]).await;
        assert_eq!(status, 201, "{body}");
        // The REST API asks the same questions.
        let mut intake = crate::helpers::grievance("Graffiti on the underpass");
        intake["category"] = json!("graffiti");
        let r = app.post_public("/api/v1/cases", &intake).await;
        let problem = crate::helpers::problem(r, 422).await;
        assert_eq!(crate::helpers::field_names(&problem), ["attributes.surface"]);
        intake["attributes"] = json!({"surface": ["wall"], "offensive": "yes"});
        let r = app.post_public("/api/v1/cases", &intake).await;
        assert_eq!(r.status(), 201);
        let receipt: Value = r.json().await.unwrap();
        let (_, case) = app.admin_json(Method::GET, &format!("/api/v1/cases/{}", receipt["id"].as_str().unwrap()), None).await;
        assert_eq!(case["attributes"], json!({"offensive": "yes", "surface": ["wall"]}));
        let mut stray = crate::helpers::grievance("No category");
        stray["attributes"] = json!({"surface": "wall"});
        let r = app.post_public("/api/v1/cases", &stray).await;
        let problem = crate::helpers::problem(r, 422).await;
        assert_eq!(crate::helpers::field_names(&problem), ["attributes"]);
    }
}
